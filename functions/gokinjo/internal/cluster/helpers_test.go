package cluster

import (
	"sort"
	"testing"

	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/crossplane/function-sdk-go/resource/composite"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
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
	return composetest.NewXR(t, v1alpha1.KindCluster, testXR, p)
}

// run composes the layer once over observed resources.
func run(t *testing.T, p v1alpha1.ClusterParameters, observed composetest.Observed) (*compose.State, *composite.Unstructured) {
	t.Helper()
	r := composetest.MustRun(t, Layer{}, v1alpha1.KindCluster, testXR, p, observed)
	return r.State, r.DXR
}

// converge composes and simulates until the layer is composed, and returns
// the rounds' desired names plus the final state and XR.
func converge(t *testing.T, p v1alpha1.ClusterParameters) ([][]string, *compose.State, *composite.Unstructured) {
	t.Helper()
	rounds, last := composetest.Converge(t, Layer{}, v1alpha1.KindCluster, testXR, p)
	return rounds, last.State, last.DXR
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
