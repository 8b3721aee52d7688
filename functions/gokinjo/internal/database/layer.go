// Package database composes an XDatabase: the PostgreSQL 15 RDS instance of
// an environment (PostGIS-ready), its KMS key, DB subnet group, security
// group, parameter group and, where the preset asks, a read replica.
package database

import (
	"context"

	"k8s.io/apimachinery/pkg/util/validation/field"

	xpv1 "github.com/crossplane/crossplane-runtime/apis/common/v1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// LayerName is the value of the layer label and tag.
const LayerName = "database"

// Layer composes XDatabases.
type Layer struct{}

// database is one compose call.
type database struct {
	p v1alpha1.DatabaseParameters
	s *compose.State
	// versions is what each instance runs in this reconcile.
	versions versions
}

// Compose implements the layer.
func (Layer) Compose(_ context.Context, xr *compose.XR, s *compose.State) error {
	var p v1alpha1.DatabaseParameters
	if err := xr.Parameters(&p); err != nil {
		return err
	}
	if err := Validate(p, field.NewPath("spec", "parameters")).ToAggregate(); err != nil {
		return err
	}
	d := &database{p: p, s: s}
	d.versions = d.engineVersions()
	if d.versions.waiting != "" {
		xr.Warn(d.versions.waiting)
	}
	for _, step := range []func() error{d.kmsKey, d.subnetGroup, d.securityGroup, d.parameterGroup, d.primary, d.replica} {
		if err := step(); err != nil {
			return err
		}
	}
	if comp := d.protectedInAWS(); comp != "" && !p.DeletionProtection {
		xr.Warn("deletionProtection: turning off; AWS still reports it on for " + comp +
			": until it reports it off the database layer keeps deletion policy Orphan, so deleting the claim now would keep the database in AWS")
	}
	if p.ClientSecurityGroupID == "" && !s.ObservedExists(compIngress) {
		xr.Warn("the database accepts no connections yet: the EKS cluster security group is not known; " +
			"the ingress rule is composed once the cluster layer reports it")
	}
	return xr.SetStatus(d.status())
}

// spec is the resource spec of every resource of the layer: with deletion
// protection on, everything is orphaned when the claim is deleted, so the
// instance keeps its key, subnet group, security group and parameters. It
// stays so after the claim turns protection off until AWS reports it off on
// both instances: a managed resource being deleted is never updated, so a
// claim deleted before the provider's ModifyDBInstance would have its
// deletion refused by RDS for ever.
func (d *database) spec() xpv1.ResourceSpec {
	if d.p.DeletionProtection || d.protectedInAWS() != "" {
		return mr.OrphanSpec(d.p.Owner)
	}
	return mr.Spec(d.p.Owner)
}

// protectedInAWS names an instance AWS still reports deletion protection
// on for, "" if none.
func (d *database) protectedInAWS() string {
	for _, comp := range []string{compInstance, compReplica} {
		var on bool
		if ok, _ := d.s.ObservedInto(comp, "status.atProvider.deletionProtection", &on); ok && on {
			return comp
		}
	}
	return ""
}

func (d *database) labels(component string) map[string]string {
	return naming.Labels(d.p.Owner, LayerName, component)
}

func (d *database) tags(name string) map[string]*string {
	return naming.Tags(d.p.Owner, LayerName, name)
}
