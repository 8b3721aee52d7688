// Package network composes an XNetwork: the VPC, its public, private and
// database subnets in each zone, the internet gateway, NAT gateways, route
// tables and an S3 gateway endpoint.
package network

import (
	"context"

	xpv1 "github.com/crossplane/crossplane-runtime/apis/common/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cidrplan"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// LayerName is the value of the layer label and tag.
const LayerName = "network"

// Layer composes XNetworks.
type Layer struct{}

// network is one compose call: the parameters and plan it works from.
type network struct {
	p       v1alpha1.NetworkParameters
	subnets []cidrplan.Subnet
	s       *compose.State
}

// Compose implements the layer.
func (Layer) Compose(_ context.Context, xr *compose.XR, s *compose.State) error {
	var p v1alpha1.NetworkParameters
	if err := xr.Parameters(&p); err != nil {
		return err
	}
	if err := Validate(p, field.NewPath("spec", "parameters")).ToAggregate(); err != nil {
		return err
	}
	if err := guardZoneRemoval(p, s); err != nil {
		return err
	}
	subnets, err := cidrplan.Plan(p.CIDR, p.AvailabilityZones)
	if err != nil {
		return err
	}
	n := &network{p: p, subnets: subnets, s: s}
	for _, step := range []func() error{n.vpc, n.subnetResources, n.natGateways, n.routes, n.s3Endpoint} {
		if err := step(); err != nil {
			return err
		}
	}
	return xr.SetStatus(n.status())
}

// spec is the resource spec of a network resource. With retain set, the
// resources an orphaned database sits in (the VPC and the database subnets)
// are orphaned too: AWS cannot delete a subnet or VPC that still holds the
// database's network interfaces, so deleting them would never finish.
func (n *network) spec(retain bool) xpv1.ResourceSpec {
	if retain && n.p.RetainOnDelete {
		return mr.OrphanSpec(n.p.Owner)
	}
	return mr.Spec(n.p.Owner)
}

// labels of a component, with the tier and zone labels other layers select
// subnets by.
func (n *network) labels(component string, extra ...string) map[string]string {
	l := naming.Labels(n.p.Owner, LayerName, component)
	for i := 0; i+1 < len(extra); i += 2 {
		l[extra[i]] = extra[i+1]
	}
	return l
}
