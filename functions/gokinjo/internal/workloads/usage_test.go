package workloads

import (
	"testing"

	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cluster"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// TestALBDependenciesExist: every cluster-layer resource a Usage keeps until
// the ALB (or a volume) is gone is composed by the cluster layer under that component
// label and kind (a Usage selecting nothing would protect nothing).
func TestALBDependenciesExist(t *testing.T) {
	pre, err := preset.For("prod")
	if err != nil {
		t.Fatal(err)
	}
	p := preset.ResolveCluster(preset.Owner("gokinjo-abcde", v1alpha1.EnvironmentParameters{Environment: "prod"}), pre, v1alpha1.EnvironmentParameters{})
	_, last := composetest.Converge(t, cluster.Layer{}, v1alpha1.KindCluster, "gokinjo-abcde-c1u5t", p)
	s := last.State
	byComponent := map[string]*composed.Unstructured{}
	for _, d := range s.Desired() {
		byComponent[d.Resource.GetLabels()[naming.LabelComponent]] = d.Resource
	}
	for _, d := range append(albDependencies, volumeDependencies...) {
		r, ok := byComponent[d.component]
		if !ok {
			t.Errorf("the cluster layer composes no %s: the Usage keeping it until the ALB is gone selects nothing", d.component)
			continue
		}
		if r.GetKind() != d.gvk.Kind || r.GetAPIVersion() != d.gvk.GroupVersion().String() {
			t.Errorf("%s is a %s %s, the Usage selects %s", d.component, r.GetAPIVersion(), r.GetKind(), d.gvk)
		}
	}
}
