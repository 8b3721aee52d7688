// Package rendertree renders an Environment claim into everything it leads
// to, with the real crossplane render CLI and the function running locally:
// the XEnvironment first, then every nested XR it composes with that XR's own
// composition. It also walks the lifecycle with the AWS simulator to produce
// observed-resource fixtures for later stages.
package rendertree

import (
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/gokinjo/platform/internal/awssim"
)

// XRFromClaim derives the XEnvironment Crossplane would create for a claim,
// so that render needs no second, hand-kept copy of each environment.
func XRFromClaim(claim *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	if claim.GetKind() != "Environment" {
		return nil, fmt.Errorf("%s is a %s, not an Environment claim", claim.GetName(), claim.GetKind())
	}
	if claim.GetNamespace() == "" {
		return nil, fmt.Errorf("claim %s has no namespace: claims are namespaced", claim.GetName())
	}
	xr := &unstructured.Unstructured{Object: map[string]any{}}
	xr.SetAPIVersion(claim.GetAPIVersion())
	xr.SetKind("XEnvironment")
	// Crossplane names the XR <claim>-<random>; a hash keeps it stable here.
	xr.SetName(claim.GetName() + "-" + awssim.Hash(claim.GetNamespace() + "/" + claim.GetName())[:5])
	xr.SetLabels(map[string]string{
		"crossplane.io/claim-name":      claim.GetName(),
		"crossplane.io/claim-namespace": claim.GetNamespace(),
	})
	spec, _, _ := unstructured.NestedMap(claim.Object, "spec")
	if spec == nil {
		spec = map[string]any{}
	}
	spec["claimRef"] = map[string]any{
		"apiVersion": claim.GetAPIVersion(),
		"kind":       claim.GetKind(),
		"name":       claim.GetName(),
		"namespace":  claim.GetNamespace(),
	}
	xr.Object["spec"] = spec
	return xr, nil
}

// ReadObject reads one YAML object from a file.
func ReadObject(path string) (*unstructured.Unstructured, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(b, &u.Object); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return u, nil
}
