package workloads

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

// clusterUsageGVK is Crossplane's cluster-scoped Usage (the composed
// resources here are cluster-scoped: Objects, Releases, the EKS Cluster).
// Checked against the core CRDs of v2.2.1 and v2.4.0:
// protection.crossplane.io/v1beta1 ClusterUsage.
var clusterUsageGVK = schema.GroupVersionKind{Group: "protection.crossplane.io", Version: "v1beta1", Kind: "ClusterUsage"}

// The EKS cluster, as the cluster layer labels it.
const (
	clusterLayer     = "cluster"
	clusterComponent = "eks-cluster"
)

var eksClusterGVK = schema.GroupVersionKind{Group: "eks.aws.upbound.io", Version: "v1beta1", Kind: "Cluster"}

func usageComp(of, by string) string { return "usage-" + of + "-by-" + by }

// usages order deletion: the Ingress goes before the load balancer
// controller (which deletes the ALB), the ServiceMonitor and the rules
// before kube-prometheus-stack (which owns their CRDs), and every add-on
// and the namespace before the EKS cluster. ProviderConfigs already wait
// for their users (the providers' ProviderConfigUsages).
func (w *workloads) usages() error {
	type pair struct{ of, by string }
	var local []pair
	if w.desired(compIngress) && w.desired(addonComp(addonLBController)) {
		local = append(local, pair{addonComp(addonLBController), compIngress})
	}
	for _, by := range []string{compServiceMonitor, compPrometheusRule} {
		if w.desired(by) && w.desired(addonComp(addonMonitoring)) {
			local = append(local, pair{addonComp(addonMonitoring), by})
		}
	}
	for _, u := range local {
		of := w.s.Desired()[resourceName(u.of)].Resource
		by := w.s.Desired()[resourceName(u.by)].Resource
		if err := w.usage(usageComp(u.of, u.by),
			ref(of.GetAPIVersion(), of.GetKind(), map[string]any{"matchControllerRef": true, "matchLabels": map[string]any{naming.LabelComponent: u.of}}),
			ref(by.GetAPIVersion(), by.GetKind(), map[string]any{"matchControllerRef": true, "matchLabels": map[string]any{naming.LabelComponent: u.by}}),
		); err != nil {
			return err
		}
	}
	cluster := ref(eksClusterGVK.GroupVersion().String(), eksClusterGVK.Kind, map[string]any{"matchLabels": map[string]any{
		naming.LabelEnvironmentID: w.p.EnvironmentID,
		naming.LabelLayer:         clusterLayer,
		naming.LabelComponent:     clusterComponent,
	}})
	for _, by := range w.s.Names() {
		d := w.s.Desired()[resourceName(by)].Resource
		if by != compNamespace && d.GetKind() != releaseGVK.Kind {
			continue
		}
		if err := w.usage(usageComp("cluster", by), cluster,
			ref(d.GetAPIVersion(), d.GetKind(), map[string]any{"matchControllerRef": true, "matchLabels": map[string]any{naming.LabelComponent: by}}),
		); err != nil {
			return err
		}
	}
	return nil
}

func ref(apiVersion, kind string, selector map[string]any) map[string]any {
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "resourceSelector": selector}
}

// usage composes a ClusterUsage: of may not be deleted while by exists.
func (w *workloads) usage(comp string, of, by map[string]any) error {
	u := map[string]any{
		"apiVersion": clusterUsageGVK.GroupVersion().String(),
		"kind":       clusterUsageGVK.Kind,
		"spec":       map[string]any{"of": of, "by": by, "replayDeletion": true},
	}
	return w.s.AddUnstructured(comp, u, w.labels(comp))
}
