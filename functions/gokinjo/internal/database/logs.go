package database

import (
	xpv1 "github.com/crossplane/crossplane-runtime/apis/common/v1"
	cwl "github.com/upbound/provider-aws/apis/cloudwatchlogs/v1beta1"
	rds "github.com/upbound/provider-aws/apis/rds/v1beta2"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

// logExportTypes are the PostgreSQL logs every instance exports to CloudWatch.
var logExportTypes = []string{"postgresql", "upgrade"}

// DefaultLogRetentionDays applies to XDatabases written before the field
// existed (the cost model prices their log exports with it too).
const DefaultLogRetentionDays = 30

// LogGroupName is the group RDS exports a log type of an instance into; RDS
// creates it without retention (kept forever) unless it exists already.
func LogGroupName(identifier, logType string) string {
	return "/aws/rds/instance/" + identifier + "/" + logType
}

func logGroupComponent(instanceComp, logType string) string {
	return "log-group-" + instanceComp + "-" + logType
}

// logGroups composes, for an instance, the log groups RDS exports into, with
// the environment's retention. The instance turns its exports on only once
// these exist (exports), so RDS never creates them first without retention.
func (d *database) logGroups(instanceComp, identifier string) error {
	o := d.p.Owner
	days := d.p.LogRetentionDays
	if days == 0 {
		days = DefaultLogRetentionDays
	}
	for _, t := range logExportTypes {
		name := LogGroupName(identifier, t)
		comp := logGroupComponent(instanceComp, t)
		g := &cwl.Group{Spec: cwl.GroupSpec{
			ResourceSpec: d.spec(),
			ForProvider: cwl.GroupParameters{
				Region:          mr.Str(o.Region),
				RetentionInDays: mr.Float(float64(days)),
				Tags:            d.tags(name),
			},
		}}
		g.SetAnnotations(map[string]string{meta.AnnotationKeyExternalName: name})
		if err := d.s.Add(comp, g, d.labels(comp)); err != nil {
			return err
		}
		if err := d.logGroupUsage(comp, instanceComp); err != nil {
			return err
		}
	}
	return nil
}

// logGroupUsage keeps a log group until its instance is gone, where both
// are deleted with the claim: RDS exports until the instance is deleted and
// re-creates a missing group without retention (kept and billed forever,
// outside Crossplane). Orphaned groups need none: nothing deletes them.
func (d *database) logGroupUsage(groupComp, instanceComp string) error {
	if d.spec().DeletionPolicy == xpv1.DeletionOrphan {
		return nil
	}
	comp := naming.UsageComponent(groupComp, instanceComp)
	u := mr.ClusterUsage(
		mr.LocalRef(cwl.CRDGroupVersion.String(), cwl.Group_Kind, groupComp),
		mr.LocalRef(rds.CRDGroupVersion.String(), rds.Instance_Kind, instanceComp),
	)
	return d.s.AddUnstructured(comp, u, d.labels(comp))
}

// exports are the log types an instance exports: none until its log groups
// are observed ready, then all. An instance that already exports keeps them.
func (d *database) exports(instanceComp string) []*string {
	var current []string
	_, _ = d.s.ObservedInto(instanceComp, "spec.forProvider.enabledCloudwatchLogsExports", &current)
	ready := len(current) > 0
	if !ready {
		ready = true
		for _, t := range logExportTypes {
			ready = ready && d.s.ObservedReady(logGroupComponent(instanceComp, t))
		}
	}
	if !ready {
		return nil
	}
	out := make([]*string, 0, len(logExportTypes))
	for _, t := range logExportTypes {
		out = append(out, mr.Str(t))
	}
	return out
}
