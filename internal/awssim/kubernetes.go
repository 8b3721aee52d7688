package awssim

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/internal/facts"
)

// observedManifest is the field path, as fields, where provider-kubernetes
// writes the object it observed (facts: provider-kubernetes.yaml).
var observedManifest = strings.Split(facts.ProviderKubernetes.ObservedManifest, ".")

// The in-cluster kinds, as the SIMULATOR reports them once the providers
// have applied them to a (simulated) EKS cluster: provider-kubernetes
// Objects with the object as the cluster reports it in their observed
// manifest (Deployments available, Jobs complete, the
// Ingress with its ALB address), provider-helm Releases deployed, and
// Crossplane Usages as Crossplane's Usage controller reports them
// (observeUsage).
func init() { // Registration of simulated kinds.
	Register(schema.GroupKind{Group: "kubernetes.crossplane.io", Kind: "Object"}, "", simulateObject)
	Register(schema.GroupKind{Group: "helm.crossplane.io", Kind: "Release"}, "", simulateRelease)
	for _, k := range []string{"Usage", "ClusterUsage"} {
		Register(schema.GroupKind{Group: GroupProtection, Kind: k}, "", nil)
	}
}

// GroupProtection is the API group of Crossplane's Usages.
const GroupProtection = "protection.crossplane.io"

// observeUsage reports a Usage as Crossplane v2.4.0's Usage controller does
// once it protects its resource (internal/controller/protection/usage,
// Reconcile): no provider handles it, so it gets no external name, no
// atProvider and no Synced condition, only Ready=True (Available).
func observeUsage(u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	cond := map[string]any{"type": "Ready", "status": "True", "reason": "Available", "lastTransitionTime": TransitionTime}
	return u, unstructured.SetNestedSlice(u.Object, []any{cond}, "status", "conditions")
}

// SimulatedELBRegion is the region of simulated load balancer addresses
// (an Ingress does not name its region).
const SimulatedELBRegion = "ap-northeast-1"

// simulateObject reports the manifest as applied, with the status the
// object's controller would write.
func simulateObject(u *unstructured.Unstructured, _ string) {
	m, ok, _ := unstructured.NestedMap(u.Object, "spec", "forProvider", "manifest")
	if !ok {
		return
	}
	obj := &unstructured.Unstructured{Object: m}
	cond := func(typ string) map[string]any {
		return map[string]any{"type": typ, "status": "True", "lastTransitionTime": TransitionTime}
	}
	switch obj.GetKind() {
	case "Deployment":
		replicas, found, _ := unstructured.NestedInt64(m, "spec", "replicas")
		if !found {
			replicas = 1
		}
		m["status"] = map[string]any{
			"observedGeneration": int64(1), "replicas": replicas, "readyReplicas": replicas,
			"availableReplicas": replicas, "updatedReplicas": replicas,
			"conditions": []any{cond("Available"), cond("Progressing")},
		}
	case "Job":
		m["status"] = map[string]any{
			"succeeded": int64(1), "startTime": TransitionTime, "completionTime": TransitionTime,
			"conditions": []any{cond("SuccessCriteriaMet"), cond("Complete")},
		}
	case "Ingress":
		h := Hash("alb/" + obj.GetNamespace() + "/" + obj.GetName())
		host := "k8s-" + trim(obj.GetNamespace(), 8) + "-" + trim(obj.GetName(), 8) + "-" + h[:10] + "-" + h[10:20] + "." + SimulatedELBRegion + ".elb.amazonaws.com"
		m["status"] = map[string]any{"loadBalancer": map[string]any{"ingress": []any{map[string]any{"hostname": host}}}}
	}
	// An Object's atProvider holds the observed manifest and nothing else
	// (provider-kubernetes ObjectObservation).
	unstructured.RemoveNestedField(u.Object, observedManifest[:len(observedManifest)-1]...)
	_ = unstructured.SetNestedField(u.Object, m, observedManifest...)
}

func trim(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.TrimRight(s, "-")
}

// simulateRelease reports a deployed first revision.
func simulateRelease(u *unstructured.Unstructured, _ string) {
	_ = unstructured.SetNestedField(u.Object, map[string]any{
		"state": "deployed", "revision": int64(1), "releaseDescription": "Install complete",
	}, "status", "atProvider")
}
