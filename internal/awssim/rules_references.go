package awssim

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/internal/facts"
)

// SIMULATED provider-kubernetes: an Object's spec.references[].patchesFrom
// writes a value from another object into the manifest at
// facts.ProviderKubernetes.ReferencePatchPrefix + toFieldPath (toFieldPath
// defaults to patchesFrom.fieldPath), and the controller then applies the
// manifest server-side: a path that lands outside the fields the manifest's
// kind declares is refused by the API server, and the object never exists.
func init() { // Rule registration.
	onCreate(kindObject, referencePatchesLand)
}

func referencePatchesLand(_ *Account, r *Resource) *AWSError {
	m := manifest(r.Observed)
	if m == nil {
		return nil
	}
	declared, known := facts.ProviderKubernetes.ManifestTopLevelFields[m.GetKind()]
	if !known {
		return nil
	}
	refs, _, _ := unstructured.NestedSlice(r.Observed.Object, "spec", "references")
	for _, x := range refs {
		ref, _ := x.(map[string]any)
		from, ok := ref["patchesFrom"].(map[string]any)
		if !ok {
			continue
		}
		to, _ := ref["toFieldPath"].(string)
		if to == "" {
			to, _ = from["fieldPath"].(string)
		}
		top, _, _ := strings.Cut(to, ".")
		if slices.Contains(declared, top) {
			continue
		}
		return awsErr("object-reference-patch", "Apply", "Invalid",
			"failed to create typed patch object (/%s, Kind=%s): .%s: field not declared in schema (references toFieldPath %q is written at %s%s)",
			m.GetAPIVersion(), m.GetKind(), top, to, facts.ProviderKubernetes.ReferencePatchPrefix, to)
	}
	return nil
}
