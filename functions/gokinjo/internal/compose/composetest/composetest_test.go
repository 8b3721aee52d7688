package composetest_test

import (
	"testing"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/network"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// TestConverge: a layer converges once a round desires what the one before
// did; the simulator has then made every resource, so all are ready.
func TestConverge(t *testing.T) {
	p := v1alpha1.NetworkParameters{
		Owner: composetest.Owner("dev"), CIDR: "10.0.0.0/16",
		AvailabilityZones: []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"},
		NATGateways:       v1alpha1.NATSingle, ClusterName: "gokinjo-dev",
	}
	rounds, last := composetest.Converge(t, network.Layer{}, v1alpha1.KindNetwork, "net", p)
	if len(rounds) < 2 {
		t.Fatalf("converged in %d rounds: a round must repeat the one before", len(rounds))
	}
	for name, d := range last.State.Desired() {
		if d.Ready != resource.ReadyTrue {
			t.Errorf("%s is not ready after converging: %v", name, d.Ready)
		}
	}
	if got := composetest.Str(last.State.Desired()["vpc"].Resource, "spec.forProvider.cidrBlock"); got != "10.0.0.0/16" {
		t.Errorf("Str(vpc cidrBlock) = %q, want 10.0.0.0/16", got)
	}
	if got := composetest.Str(last.State.Desired()["vpc"].Resource, "spec.forProvider.noSuchField"); got != "" {
		t.Errorf("Str of a missing field = %q, want empty", got)
	}
}
