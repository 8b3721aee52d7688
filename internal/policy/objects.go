package policy

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Rules on provider-kubernetes Objects, from what provider-kubernetes v1.4.1
// does with them (internal/facts/data/provider-kubernetes.yaml).

func isObject(u *unstructured.Unstructured) bool {
	return u.GroupVersionKind().Group == "kubernetes.crossplane.io" && u.GetKind() == "Object"
}

func manifestOf(u *unstructured.Unstructured) map[string]any {
	m, _, _ := unstructured.NestedMap(u.Object, "spec", "forProvider", "manifest")
	return m
}

func init() { // Rule registry.
	register(Rule{
		Name: "objects-watched",
		About: "An Object whose readiness the layer waits on is watched (spec.watch): provider-kubernetes looks " +
			"at an unwatched Object only every poll (10 minutes), so each wait on it would last up to that long.",
		Applies: func(u *unstructured.Unstructured) bool {
			_, has, _ := unstructured.NestedMap(u.Object, "spec", "readiness")
			return isObject(u) && has
		},
		Check: func(u *unstructured.Unstructured, _ *Index) []string {
			if w, _, _ := unstructured.NestedBool(u.Object, "spec", "watch"); !w {
				return []string{"has a readiness query but spec.watch is not true"}
			}
			return nil
		},
	})
	register(Rule{
		Name: "hpa-owns-replicas",
		About: "A Deployment an HPA scales does not set spec.replicas: once the HPA scales through /scale, " +
			"provider-kubernetes' server-side apply would force the manifest's count back on its next sync.",
		Applies: func(u *unstructured.Unstructured) bool {
			return isObject(u) && fmt.Sprint(manifestOf(u)["kind"]) == "Deployment"
		},
		Check: func(u *unstructured.Unstructured, idx *Index) []string {
			m := manifestOf(u)
			if _, set, _ := unstructured.NestedFieldNoCopy(m, "spec", "replicas"); !set {
				return nil
			}
			name, _, _ := unstructured.NestedString(m, "metadata", "name")
			ns, _, _ := unstructured.NestedString(m, "metadata", "namespace")
			for _, o := range idx.All() {
				h := manifestOf(o)
				if !isObject(o) || fmt.Sprint(h["kind"]) != "HorizontalPodAutoscaler" {
					continue
				}
				target, _, _ := unstructured.NestedString(h, "spec", "scaleTargetRef", "name")
				hns, _, _ := unstructured.NestedString(h, "metadata", "namespace")
				kind, _, _ := unstructured.NestedString(h, "spec", "scaleTargetRef", "kind")
				if kind == "Deployment" && target == name && hns == ns {
					return []string{fmt.Sprintf("sets spec.replicas while %s scales it", Describe(o))}
				}
			}
			return nil
		},
	})
}
