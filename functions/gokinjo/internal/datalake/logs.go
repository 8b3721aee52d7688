package datalake

import (
	cwl "github.com/upbound/provider-aws/apis/cloudwatchlogs/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
)

// LogApps are the app components with a log group of their own.
var LogApps = []string{"api", "frontend", "airflow"}

// LogGroupName is /gokinjo/<env>/<app>.
func LogGroupName(env, app string) string { return "/gokinjo/" + env + "/" + app }

// logGroups composes the app log groups with the environment's retention.
func (d *datalake) logGroups() error {
	o := d.p.Owner
	for _, app := range LogApps {
		name := LogGroupName(o.Environment, app)
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
