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
		warns            bool
	}{
		"NewReplica": {
			reason: "A new replica starts at what its source runs.",
			want:   "15.15", observed: running("15.14", ""),
			primary: "15.15", replica: "15.14",
		},
		"MinorReplicaFirst": {
			reason: "A minor upgrade goes to the replica; the primary keeps its version and the claim is warned why.",
			want:   "15.15", observed: running("15.14", "15.14"),
			primary: "15.14", replica: "15.15", warns: true,
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
			r := composetest.MustRun(t, Layer{}, v1alpha1.KindDatabase, "gokinjo-abcde-db", p, tc.observed)
			s := r.State
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
			// A warning, not a wait: the database stays Ready while it upgrades.
			warns := strings.Contains(strings.Join(r.XR.Warnings(), ";"), "read replica upgrades first")
			if warns != tc.warns || len(s.Waiting()) > 0 {
				t.Errorf("%s\nwarns of the replica first: %v (%v), want %v; waits for %v, want nothing", tc.reason, warns, r.XR.Warnings(), tc.warns, s.Waiting())
			}
		})
	}
}

// TestZoneFollowsFailover: provider-aws writes the instance's zone into its
// spec, and Terraform would replace an instance whose zone changes; after a
// Multi-AZ failover the composed zone is the one AWS reports, so no update
// is refused as a replacement. Before the instance exists AWS picks it.
func TestZoneFollowsFailover(t *testing.T) {
	p := preset.ResolveDatabase(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{})
	first := composetest.MustRun(t, Layer{}, v1alpha1.KindDatabase, "gokinjo-abcde-db", p, nil).State
	if z := composetest.Str(first.Desired()[compInstance].Resource, "spec.forProvider.availabilityZone"); z != "" {
		t.Errorf("a new instance names zone %q; AWS picks it", z)
	}
	observed := settled()
	u := observed[compInstance].Resource
	_ = u.SetValue("spec.forProvider.availabilityZone", "ap-northeast-1a")  // late-initialized
	_ = u.SetValue("status.atProvider.availabilityZone", "ap-northeast-1c") // after a failover
	s := composetest.MustRun(t, Layer{}, v1alpha1.KindDatabase, "gokinjo-abcde-db", p, observed).State
	if z := composetest.Str(s.Desired()[compInstance].Resource, "spec.forProvider.availabilityZone"); z != "ap-northeast-1c" {
		t.Errorf("after a failover the primary is composed in %q, want the zone AWS reports, ap-northeast-1c", z)
	}
	if err := s.GuardReplacement(); err != nil {
		t.Errorf("the zone AWS moved the primary to is refused as a replacement: %v", err)
	}
}
