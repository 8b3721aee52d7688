package datalake

import (
	"testing"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// TestBudgetFiltersOnTheClaim: the budget counts the spend of its own claim
// only. Two dev claims in one account share the Environment tag value, so
// the filter is on EnvironmentId (the name prefix), a tag every resource of
// the layer carries too.
func TestBudgetFiltersOnTheClaim(t *testing.T) {
	owner := func(prefix string) v1alpha1.Owner {
		o := composetest.Owner(v1alpha1.EnvDev)
		o.NamePrefix = prefix
		return o
	}
	cases := map[string]struct {
		reason string
		owner  v1alpha1.Owner
		want   string
	}{
		"FirstDevClaim":  {reason: "a new claim filters on its own prefix", owner: owner("gokinjo-dev-k4x2qa"), want: "user:EnvironmentId$gokinjo-dev-k4x2qa"},
		"SecondDevClaim": {reason: "another dev claim in the same account gets another filter", owner: owner("gokinjo-dev-m7b3zz"), want: "user:EnvironmentId$gokinjo-dev-m7b3zz"},
		"Legacy":         {reason: "an environment named before the scheme filters on gokinjo-<env>, its prefix", owner: owner(""), want: "user:EnvironmentId$gokinjo-dev"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := preset.ResolveDataLake(tc.owner, preset.Presets[v1alpha1.EnvDev], v1alpha1.EnvironmentParameters{})
			s, _, err := run(t, p, nil)
			if err != nil {
				t.Fatalf("Compose(): %v", err)
			}
			b := s.Desired()[compBudget].Resource
			var filters []struct {
				Name   string   `json:"name"`
				Values []string `json:"values"`
			}
			get(b, "spec.forProvider.costFilter", &filters)
			if len(filters) != 1 || filters[0].Name != "TagKeyValue" || len(filters[0].Values) != 1 || filters[0].Values[0] != tc.want {
				t.Fatalf("%s: cost filter %+v, want TagKeyValue [%s]", tc.reason, filters, tc.want)
			}
			// The key and value it filters on are on every tagged resource
			// the layer composes.
			tagged := 0
			for n, d := range s.Desired() {
				tags, _ := d.Resource.GetStringObject("spec.forProvider.tags")
				if tags == nil {
					continue
				}
				tagged++
				if got := "user:EnvironmentId$" + tags["EnvironmentId"]; got != tc.want {
					t.Errorf("%s: %s is tagged %s, the budget filters on %s", tc.reason, n, got, tc.want)
				}
			}
			if tagged == 0 {
				t.Errorf("%s: no tagged resource checked", tc.reason)
			}
		})
	}
}
