// Package workloads composes an XWorkloads: the gokinjo app and its add-ons
// on the environment's EKS cluster. Everything goes through provider-kubernetes
// Objects (typed Kubernetes manifests) and provider-helm Releases (pinned
// charts), with the cluster layer's per-environment ProviderConfig.
//
// The environment composes the XR once the cluster reports its
// ProviderConfig, with what is known then, and the layer waits (XR not
// ready) for the rest: nothing is composed before the ProviderConfig
// exists; the database Secret, the migration and the API wait for the
// database; the apps wait for their image repositories; the
// add-ons that need IRSA wait for the role ARNs, the Ingress for the load
// balancer controller; the API
// Deployment waits for the migration Job to complete.
package workloads

import (
	"context"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// LayerName is the value of the layer label.
const LayerName = "workloads"

// Layer composes XWorkloads.
type Layer struct{}

// workloads is one compose call: the parameters it works from.
type workloads struct {
	p v1alpha1.WorkloadsParameters
	// pre is the environment's preset of what the parameters do not carry
	// (controller replicas, log level, metrics retention).
	pre preset.Workloads
	s   *compose.State
	xr  *compose.XR
}

// Compose implements the layer.
func (Layer) Compose(_ context.Context, xr *compose.XR, s *compose.State) error {
	var p v1alpha1.WorkloadsParameters
	if err := xr.Parameters(&p); err != nil {
		return err
	}
	if err := Validate(p, field.NewPath("spec", "parameters")).ToAggregate(); err != nil {
		return err
	}
	pre, err := preset.For(p.Environment)
	if err != nil {
		return err
	}
	w := &workloads{p: p, pre: pre.Workloads, s: s, xr: xr}
	if p.Cluster.ProviderConfigName == "" {
		w.s.Wait("the cluster's ProviderConfig (XCluster status.providerConfigName)")
	} else {
		steps := []func() error{
			w.namespace, w.monitoringNamespace, w.config, w.databaseSecret, w.airflowMetadata, w.serviceAccounts,
			w.migration, w.api, w.frontend, w.addons, w.ingress,
			w.networkPolicies, w.monitoring, w.usages,
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
	}
	return xr.SetStatus(w.status())
}

// labels of a component (the composed Object or Release).
func (w *workloads) labels(component string) map[string]string {
	return naming.Labels(w.p.Owner, LayerName, component)
}

// desired reports whether a component is in the desired state already.
func (w *workloads) desired(comp string) bool {
	_, ok := w.s.Desired()[resource.Name(comp)]
	return ok
}

// roleARN is the observed IRSA role of a service account, or "".
func (w *workloads) roleARN(namespace, name string) string {
	return w.p.Cluster.ServiceAccountRoleARNs[namespace+"/"+name]
}
