package cluster

import (
	"context"
	"sort"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/crossplane/function-sdk-go/resource/composite"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/awssim"
)

const testXR = "gokinjo-abcde-1a2b3"

// params are the parameters the environment layer would resolve for env
// with no overrides, changed by mod.
func params(t *testing.T, env string, mod func(*v1alpha1.ClusterParameters)) v1alpha1.ClusterParameters {
	t.Helper()
	pre, err := preset.For(env)
	if err != nil {
		t.Fatal(err)
	}
	p := preset.ResolveCluster(preset.Owner("gokinjo-abcde", v1alpha1.EnvironmentParameters{Environment: env}), pre, v1alpha1.EnvironmentParameters{})
	if mod != nil {
		mod(&p)
	}
	return p
}

// newXR builds an observed XCluster with the parameters, and the desired XR
// the layer writes status to.
func newXR(t *testing.T, p v1alpha1.ClusterParameters) (*compose.XR, *composite.Unstructured) {
	t.Helper()
	xr, dxr, err := compose.NewXRFor(v1alpha1.KindCluster, testXR, p)
	if err != nil {
		t.Fatal(err)
	}
	return xr, dxr
}

// compose runs the layer once over observed resources.
func run(t *testing.T, p v1alpha1.ClusterParameters, observed map[resource.Name]resource.ObservedComposed) (*compose.State, *composite.Unstructured) {
	t.Helper()
	xr, dxr := newXR(t, p)
	s := compose.NewState(observed)
	if err := (Layer{}).Compose(context.Background(), xr, s); err != nil {
		t.Fatalf("Compose(): %v", err)
	}
	return s, dxr
}

// observe plays AWS with the simulator: everything desired now exists and is
// ready, with the status fields the provider would report.
func observe(t *testing.T, s *compose.State) map[resource.Name]resource.ObservedComposed {
	t.Helper()
	out := map[resource.Name]resource.ObservedComposed{}
	for name, d := range s.Desired() {
		o, err := awssim.Observe(testXR, string(name), &d.Resource.Unstructured)
		if err != nil {
			t.Fatalf("simulator: %v", err)
		}
		out[name] = resource.ObservedComposed{Resource: &composed.Unstructured{Unstructured: *o}}
	}
	return out
}

// converge composes and simulates until the desired state stops growing,
// and returns the rounds' desired names plus the final state and XR.
func converge(t *testing.T, p v1alpha1.ClusterParameters) ([][]string, *compose.State, *composite.Unstructured) {
	t.Helper()
	var rounds [][]string
	observed := map[resource.Name]resource.ObservedComposed{}
	for i := 0; i < 8; i++ {
		s, dxr := run(t, p, observed)
		names := s.Names()
		rounds = append(rounds, names)
		if i > 0 && equal(names, rounds[i-1]) {
			return rounds, s, dxr
		}
		observed = observe(t, s)
	}
	t.Fatalf("did not converge: %v", rounds)
	return nil, nil, nil
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// desiredOf returns the desired resources of a kind, by name.
func desiredOf(s *compose.State, kind string) map[string]*composed.Unstructured {
	out := map[string]*composed.Unstructured{}
	for name, d := range s.Desired() {
		if d.Resource.GetKind() == kind {
			out[string(name)] = d.Resource
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
