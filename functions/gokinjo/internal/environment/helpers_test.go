package environment

import (
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composite"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// testXR is the name of the tests' XEnvironment.
const testXR = composetest.EnvironmentID

// composeEnv composes an XEnvironment with the parameters once over the
// observed resources.
func composeEnv(t *testing.T, params map[string]any, observed composetest.Observed) (*compose.State, *compose.XR, *composite.Unstructured, error) {
	t.Helper()
	r, err := composetest.Run(t, Layer{}, v1alpha1.KindEnvironment, testXR, params, observed)
	return r.State, r.XR, r.DXR, err
}

// environmentXR is an XEnvironment as observed, with the status the
// function last wrote (nil: none yet).
func environmentXR(t *testing.T, params, status map[string]any) (*compose.XR, *composite.Unstructured) {
	t.Helper()
	content := map[string]any{
		"apiVersion": v1alpha1.APIVersion, "kind": v1alpha1.KindEnvironment,
		"metadata": map[string]any{"name": testXR},
		"spec":     map[string]any{"parameters": params},
	}
	if status != nil {
		content["status"] = status
	}
	return composetest.NewXRFrom(t, content)
}

// claimXR is an XEnvironment of a claim, labelled as Crossplane labels it.
func claimXR(t *testing.T, name, claimNS, claimName string, params map[string]any) *compose.XR {
	t.Helper()
	xr, _ := composetest.NewXRFrom(t, map[string]any{
		"apiVersion": v1alpha1.APIVersion, "kind": v1alpha1.KindEnvironment,
		"metadata": map[string]any{"name": name, "labels": map[string]any{
			naming.LabelClaimNamespace: claimNS, naming.LabelClaimName: claimName,
		}},
		"spec": map[string]any{"parameters": params},
	})
	// Crossplane found nothing else of the claim (sameclaim.go).
	return xr.WithRequired(supplied())
}

func nestedParams[T any](t *testing.T, s *compose.State, name string) T {
	t.Helper()
	var out T
	d, ok := s.Desired()[resource.Name(name)]
	if !ok {
		t.Fatalf("%s is not composed", name)
	}
	if err := d.Resource.GetValueInto("spec.parameters", &out); err != nil {
		t.Fatal(err)
	}
	return out
}
