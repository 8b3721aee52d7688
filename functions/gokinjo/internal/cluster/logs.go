package cluster

import (
	cwl "github.com/upbound/provider-aws/apis/cloudwatchlogs/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
)

const compLogGroup = "log-group-control-plane"

// ControlPlaneLogGroup is the log group EKS writes control-plane logs to.
func ControlPlaneLogGroup(clusterName string) string { return "/aws/eks/" + clusterName + "/cluster" }

// logGroup composes the control-plane log group with the environment's
// retention. It must exist before the cluster: EKS otherwise creates it
// itself with no retention (logs kept, and billed, forever). An existing
// group of that name is adopted (the name is the cluster's own).
func (c *cluster) logGroup() error {
	o := c.p.Owner
	name := ControlPlaneLogGroup(c.p.Name)
	p := cwl.GroupParameters{
		Region: mr.Str(o.Region),
		Tags:   c.tags(name),
	}
	if c.p.LogRetentionDays > 0 {
		p.RetentionInDays = mr.Float(float64(c.p.LogRetentionDays))
	}
	g := &cwl.Group{
		ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{meta.AnnotationKeyExternalName: name}},
		Spec:       cwl.GroupSpec{ResourceSpec: mr.Spec(o), ForProvider: p},
	}
	return c.s.Add(compLogGroup, g, c.labels(compLogGroup))
}
