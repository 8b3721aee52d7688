package workloads

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/internal/facts"
)

// objectGVK is the provider-kubernetes Object at its storage version in
// v1.4.1. It has a Ready condition the provider sets from the real object,
// which compose.IsReady reads.
var objectGVK = schema.GroupVersionKind{Group: "kubernetes.crossplane.io", Version: "v1alpha2", Kind: "Object"}

// readinessPolicy is how the Objects here have provider-kubernetes derive
// their Ready condition: from a CEL query on the object in the cluster, in the
// same status update that writes the observed object (observed), which the
// layer reads beside Ready (facts: provider-kubernetes.yaml). Without a
// policy, an Object is ready once the object is created.
const readinessPolicy = "DeriveFromCelQuery"

// observed is the field path of an Object's observed object: path is a field
// of that object, like "metadata.name".
func observed(path string) string { return facts.ProviderKubernetes.ObservedManifest + "." + path }

// CEL queries of the readiness policy.
const (
	// readyAvailable: a Deployment is ready when it is Available.
	readyAvailable = "object.status.conditions.exists(c, c.type == 'Available' && c.status == 'True')"
	// readyComplete: a Job is ready when it has completed.
	readyComplete = "object.status.conditions.exists(c, c.type == 'Complete' && c.status == 'True')"
	// readyLoadBalancer: an Ingress is ready when the ALB has an address.
	readyLoadBalancer = "has(object.status.loadBalancer.ingress) && size(object.status.loadBalancer.ingress) > 0"
)

// A reference of an Object: a dependency, or a value copied from another
// object of the management cluster into the manifest.
type reference struct {
	// DependsOn, if set, names another Object that must exist first.
	DependsOn string
	// From copies fieldPath of a Secret in the management cluster to
	// ToFieldPath, a path in the manifest: provider-kubernetes puts
	// spec.forProvider.manifest. in front of it itself
	// (facts.ProviderKubernetes.ReferencePatchPrefix).
	FromSecret, FromNamespace, FieldPath, ToFieldPath string
}

func (r reference) content() map[string]any {
	if r.DependsOn != "" {
		return map[string]any{"dependsOn": map[string]any{
			"apiVersion": objectGVK.GroupVersion().String(), "kind": objectGVK.Kind, "name": r.DependsOn,
		}}
	}
	return map[string]any{
		"patchesFrom": map[string]any{
			"apiVersion": "v1", "kind": "Secret",
			"name": r.FromSecret, "namespace": r.FromNamespace, "fieldPath": r.FieldPath,
		},
		"toFieldPath": r.ToFieldPath,
	}
}

// objectName is the name of the Object or Release of a component: they are
// cluster-scoped, so the name is unique per claim (naming.ObjectName).
func (w *workloads) objectName(comp string) string { return naming.ObjectName(w.p.Owner, comp) }

// object composes a provider-kubernetes Object that manages a typed
// Kubernetes object (its TypeMeta set) in the environment's cluster.
// readiness, if set, is a CEL query on the object.
func (w *workloads) object(comp string, obj runtime.Object, readiness string, refs ...reference) error {
	manifest, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return fmt.Errorf("cannot convert the manifest of %q: %w", comp, err)
	}
	if manifest["apiVersion"] == nil || manifest["kind"] == nil {
		return fmt.Errorf("internal error: the manifest of %q has no apiVersion or kind", comp)
	}
	delete(manifest, "status")
	return w.objectContent(comp, manifest, readiness, refs...)
}

// objectContent composes an Object around a manifest given as content, for
// kinds with no Go type here (ServiceMonitor, PrometheusRule).
func (w *workloads) objectContent(comp string, manifest map[string]any, readiness string, refs ...reference) error {
	if md, ok := manifest["metadata"].(map[string]any); ok {
		delete(md, "creationTimestamp")
		l, _ := md["labels"].(map[string]any)
		if l == nil {
			l = map[string]any{}
		}
		for k, v := range w.appLabels(comp) {
			if _, set := l[k]; !set {
				l[k] = v
			}
		}
		md["labels"] = l
	}
	spec := map[string]any{
		"providerConfigRef": map[string]any{"name": w.p.Cluster.ProviderConfigName},
		"forProvider":       map[string]any{"manifest": manifest},
	}
	if readiness != "" {
		spec["readiness"] = map[string]any{"policy": readinessPolicy, "celQuery": readiness}
		// The layer waits on this object's status: provider-kubernetes
		// watches it in the cluster instead of looking at its next poll,
		// up to 10 minutes later (facts.ProviderKubernetes.PollSeconds).
		spec["watch"] = true
	}
	if len(refs) > 0 {
		rs := make([]any, 0, len(refs))
		for _, r := range refs {
			rs = append(rs, r.content())
		}
		spec["references"] = rs
	}
	o := map[string]any{
		"apiVersion": objectGVK.GroupVersion().String(),
		"kind":       objectGVK.Kind,
		"metadata":   map[string]any{"name": w.objectName(comp)},
		"spec":       spec,
	}
	return w.s.AddUnstructured(comp, o, w.labels(comp))
}

// appLabels are the Kubernetes labels of the objects in the cluster.
func (w *workloads) appLabels(comp string) map[string]string {
	return map[string]string{
		"app.kubernetes.io/part-of":       "gokinjo",
		"app.kubernetes.io/managed-by":    "crossplane",
		"platform.gokinjo.io/environment": w.p.Environment,
		"platform.gokinjo.io/component":   comp,
	}
}
