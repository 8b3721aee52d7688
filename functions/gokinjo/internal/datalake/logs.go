package datalake

import (
	cwl "github.com/upbound/provider-aws/apis/cloudwatchlogs/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// LogApps are the app components with a log group of their own.
var LogApps = []string{"api", "frontend", "airflow"}

// LogGroupName is the log group of an app (naming.LogGroupName).
func LogGroupName(o v1alpha1.Owner, app string) string { return naming.LogGroupName(o, app) }

// logGroups composes the app log groups with the environment's retention.
func (d *datalake) logGroups() error {
	o := d.p.Owner
	for _, app := range LogApps {
		name := LogGroupName(o, app)
		comp := "log-group-" + app
		g := &cwl.Group{Spec: cwl.GroupSpec{
			ResourceSpec: mr.Spec(o),
			ForProvider: cwl.GroupParameters{
				Region:          mr.Str(o.Region),
				RetentionInDays: mr.Float(float64(d.p.LogRetentionDays)),
				Tags:            d.tags(name),
			},
		}}
		g.SetAnnotations(externalName(name))
		if err := d.s.Add(comp, g, d.labels(comp)); err != nil {
			return err
		}
	}
	return nil
}
