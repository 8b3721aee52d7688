package database

import (
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// TestUpgradeOrder: an engine upgrade with a read replica goes in RDS's
// order: a minor to the replica first and the primary once the replica runs
// it.
func TestUpgradeOrder(t *testing.T) {
	// running returns the primary and the replica observed ready, each
	// asked for and running a version.
	running := func(primary, replica string) map[resource.Name]resource.ObservedComposed {
		obs := settled()
		for comp, v := range map[string]string{compInstance: primary, compReplica: replica} {
			if v == "" {
				continue
			}
			if _, ok := obs[resource.Name(comp)]; !ok {
				obs[resource.Name(comp)] = ready(comp)[resource.Name(comp)]
			}
			u := obs[resource.Name(comp)].Resource
			_ = u.SetValue("spec.forProvider.engineVersion", v)
			_ = u.SetValue("status.atProvider.engineVersionActual", v)
		}
		return obs
	}
	cases := map[string]struct {
		reason           string
		want             string
		observed         map[resource.Name]resource.ObservedComposed
		primary, replica string
		waits            bool
	}{
		"NewReplica": {
			reason: "A new replica starts at what its source runs.",
			want:   "15.15", observed: running("15.14", ""),
			primary: "15.15", replica: "15.14",
		},
		"MinorReplicaFirst": {
			reason: "A minor upgrade goes to the replica; the primary keeps its version and the layer says why it waits.",
			want:   "15.15", observed: running("15.14", "15.14"),
			primary: "15.14", replica: "15.15", waits: true,
		},
		"MinorThenPrimary": {
			reason: "Once the replica runs the new minor, the primary takes it.",
			want:   "15.15", observed: running("15.14", "15.15"),
			primary: "15.15", replica: "15.15",
		},
		"Steady": {
			reason: "Nothing to upgrade: both run the claim's version.",
			want:   "15.15", observed: running("15.15", "15.15"),
			primary: "15.15", replica: "15.15",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := preset.ResolveDatabase(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{})
			p.EngineVersion = tc.want
			s := composetest.MustRun(t, Layer{}, v1alpha1.KindDatabase, "gokinjo-abcde-db", p, tc.observed).State
			got := func(comp string) string {
				d, ok := s.Desired()[resource.Name(comp)]
				if !ok {
					t.Fatalf("%s is not composed", comp)
				}
				return composetest.Str(d.Resource, "spec.forProvider.engineVersion")
			}
			if p, r := got(compInstance), got(compReplica); p != tc.primary || r != tc.replica {
				t.Errorf("%s\nprimary %s, replica %s; want %s, %s", tc.reason, p, r, tc.primary, tc.replica)
			}
			waits := strings.Contains(strings.Join(s.Waiting(), ";"), "read replica upgrades first")
			if waits != tc.waits {
				t.Errorf("%s\nwaits for the replica: %v (%v), want %v", tc.reason, waits, s.Waiting(), tc.waits)
			}
		})
	}
}
