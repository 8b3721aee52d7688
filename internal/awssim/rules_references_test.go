package awssim

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestReferencePatchesLand (SIMULATED provider-kubernetes v1.4.1): a
// patchesFrom reference writes at spec.forProvider.manifest.<toFieldPath>;
// a toFieldPath that repeats that prefix lands in the Secret's undeclared
// top-level "spec", which server-side apply refuses.
func TestReferencePatchesLand(t *testing.T) {
	secret := func(name, to string) *unstructured.Unstructured {
		u := objectMR(name, map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "db", "namespace": "app"},
			"stringData": map[string]any{"PGDATABASE": "gokinjo"}})
		_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{
			"patchesFrom": map[string]any{"apiVersion": "v1", "kind": "Secret", "name": "rds", "namespace": "crossplane-system", "fieldPath": "data.password"},
			"toFieldPath": to,
		}}, "spec", "references")
		return u
	}
	a := newAccount(NewCloud(), "111111111111")
	good, bad := secret("good", "data.PGPASSWORD"), secret("bad", "spec.forProvider.manifest.data.PGPASSWORD")
	apply(t, a, good, bad)
	mustState(t, a, good, StateAvailable, "")
	mustState(t, a, bad, StateFailed, ".spec: field not declared in schema")
}
