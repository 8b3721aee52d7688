// Package cluster composes an XCluster: the EKS cluster of one environment
// with its KMS key for secrets, IAM roles, two managed node groups, managed
// add-ons, admin access entry, IRSA (OIDC provider and one role per service
// account) and the kubeconfig connection secret plus the provider-kubernetes
// and provider-helm ProviderConfigs the workloads layer deploys through.
//
// What is a reference (subnets, roles, cluster name) is wired by selectors
// and composed on the first reconcile. What is not (the KMS key ARN, the OIDC
// issuer, the OIDC provider ARN in trust policies) waits until it is observed.
package cluster

import (
	"context"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// LayerName is the value of the layer label and tag.
const LayerName = "cluster"

// Layer composes XClusters.
type Layer struct{}

// cluster is one compose call: the parameters it works from.
type cluster struct {
	p v1alpha1.ClusterParameters
	s *compose.State
	// composed is true once the EKS cluster is in the desired state: what
	// references it (node groups, add-ons, access entries) comes with it.
	composed bool
	// version is the control plane version composed (see versions.go).
	version string
}

// Compose implements the layer.
func (Layer) Compose(_ context.Context, xr *compose.XR, s *compose.State) error {
	var p v1alpha1.ClusterParameters
	if err := xr.Parameters(&p); err != nil {
		return err
	}
	if err := Validate(p, field.NewPath("spec", "parameters")).ToAggregate(); err != nil {
		return err
	}
	c := &cluster{p: p, s: s}
	c.planVersions(xr)
	steps := []func() error{
		c.kmsKey, c.logGroup, c.clusterRole, c.nodeRole, c.eksCluster, c.adminAccess,
		c.launchTemplates, func() error { return c.nodeGroups(xr) }, c.addons, c.oidcProvider, c.irsaRoles, c.remoteAccess, c.usages,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return xr.SetStatus(c.status())
}

// labels of a component.
func (c *cluster) labels(component string) map[string]string {
	return naming.Labels(c.p.Owner, LayerName, component)
}

// tags of an AWS resource of the layer.
func (c *cluster) tags(name string, extra ...map[string]string) map[string]*string {
	return naming.Tags(c.p.Owner, LayerName, name, extra...)
}

// clusterReady reports whether the EKS cluster is observed ready: what waits
// for its endpoint, issuer or active state is composed from then on.
func (c *cluster) clusterReady() bool { return c.s.ObservedReady(compCluster) }

// partition is the AWS partition of the region, for ARNs the function writes
// into policy documents.
func partition(region string) string {
	switch {
	case len(region) > 3 && region[:3] == "cn-":
		return "aws-cn"
	case len(region) > 7 && region[:7] == "us-gov-":
		return "aws-us-gov"
	default:
		return "aws"
	}
}
