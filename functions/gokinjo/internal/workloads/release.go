package workloads

import (
	"time"

	"github.com/crossplane/crossplane-runtime/pkg/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/internal/facts"
)

// releaseGVK is the provider-helm Release at its storage version in v1.2.0.
// It has a Ready condition the provider sets from the Helm release, which
// compose.IsReady reads.
var releaseGVK = schema.GroupVersionKind{Group: "helm.crossplane.io", Version: "v1beta1", Kind: "Release"}

// releaseWaitTimeout bounds how long provider-helm waits for a release's
// resources to become ready: a minute under the least time the ClusterAuth
// token it holds still lives (facts.EKS.ClusterAuth, 4 minutes), so a slow
// release times out with Helm's own failure, recorded while the token is
// valid, rather than with Unauthorized halfway through; rollbackLimit then
// retries it with a fresh token.
var releaseWaitTimeout = (facts.EKS.ClusterAuth.MinRemaining() - time.Minute).String()

// releaseRollbackLimit is spec.rollbackLimit of every Release. provider-helm
// v1.2.0 retries a failed (or pending) release only when it is set: without
// it a release whose install timed out stays failed for good (an unchanged
// spec is "up to date"), and one left pending-install keeps failing with
// "another operation is in progress". With it, each retry uninstalls a
// failed first revision and installs it again, or rolls a later one back
// (the next reconcile upgrades again), counting status.failed, which resets
// once the release is deployed with the desired spec. Three retries of up
// to releaseWaitTimeout each ride out what clears by itself (nodes, volumes,
// IRSA, webhooks coming up); a release that still fails waits for a spec
// change, which provider-helm always tries once.
const releaseRollbackLimit = 3

// A chart is a pinned Helm chart.
type chart struct {
	Name, Repository, Version string
}

// A release is what a Helm release is installed with.
type release struct {
	Values map[string]any
	// Sets are values copied from management-cluster secrets (set with
	// valueFrom).
	Sets []map[string]any
	// Chart, when set, is the chart to install instead of the add-on's one
	// pin (a chart pinned per Kubernetes minor).
	Chart chart
}

// helmRelease composes a provider-helm Release of a pinned chart into a
// namespace. The Helm release is named after the add-on (the external
// name), so its services have the chart's usual names.
func (w *workloads) helmRelease(comp, releaseName string, c chart, namespace string, r release) error {
	v, err := compose.ToContent(r.Values)
	if err != nil {
		return err
	}
	fp := map[string]any{
		"chart":     map[string]any{"name": c.Name, "repository": c.Repository, "version": c.Version},
		"namespace": namespace,
		"values":    v,
		"wait":      true,
		// Airflow's chart runs its database migrations on install: give
		// every release room beyond provider-helm's 5 minute default.
		"waitTimeout": releaseWaitTimeout,
	}
	if len(r.Sets) > 0 {
		s := make([]any, 0, len(r.Sets))
		for _, x := range r.Sets {
			s = append(s, x)
		}
		fp["set"] = s
	}
	content := map[string]any{
		"apiVersion": releaseGVK.GroupVersion().String(),
		"kind":       releaseGVK.Kind,
		"metadata": map[string]any{
			"name":        w.objectName(comp),
			"annotations": map[string]any{meta.AnnotationKeyExternalName: releaseName},
		},
		"spec": map[string]any{
			"providerConfigRef": map[string]any{"name": w.p.Cluster.ProviderConfigName},
			"forProvider":       fp,
			"rollbackLimit":     int64(releaseRollbackLimit),
		},
	}
	return w.s.AddUnstructured(comp, content, w.labels(comp))
}
