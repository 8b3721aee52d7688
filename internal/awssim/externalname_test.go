package awssim

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/crossplane/crossplane-runtime/pkg/meta"
)

// TestAnnotationExternalName: the simulator's spelt-out annotation is
// crossplane-runtime's.
func TestAnnotationExternalName(t *testing.T) {
	if AnnotationExternalName != meta.AnnotationKeyExternalName {
		t.Errorf("AnnotationExternalName = %q, want crossplane-runtime's %q", AnnotationExternalName, meta.AnnotationKeyExternalName)
	}
}

// TestExternalNameStable: observing a resource again, as a provider does on
// every reconcile, keeps the external name AWS gave it at create, for every
// simulated kind. (A KMS key once got a new id on each observation, so the
// claim's key and the account's drifted apart.)
func TestExternalNameStable(t *testing.T) {
	for gk := range kinds {
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": gk.Group + "/v1beta1",
			"kind":       gk.Kind,
			"metadata":   map[string]any{"name": "stable"},
			"spec": map[string]any{"forProvider": map[string]any{
				"region": "ap-northeast-1", "url": "https://oidc.eks.ap-northeast-1.amazonaws.com/id/ABC",
			}},
		}}
		first, err := Observe("xr", "comp", u)
		if err != nil {
			t.Fatalf("%s: %v", gk, err)
		}
		again, err := Observe("xr", "comp", first)
		if err != nil {
			t.Fatalf("%s: %v", gk, err)
		}
		if a, b := first.GetAnnotations()[AnnotationExternalName], again.GetAnnotations()[AnnotationExternalName]; a != b {
			t.Errorf("%s: external name %q after create, %q when observed again", gk, a, b)
		}
	}
}
