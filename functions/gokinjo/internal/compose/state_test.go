package compose

import (
	"testing"

	"github.com/crossplane/crossplane-runtime/pkg/meta"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/google/go-cmp/cmp"
)

func TestObservedExternalNameWins(t *testing.T) {
	named := func(n string) map[string]string {
		if n == "" {
			return nil
		}
		return map[string]string{meta.AnnotationKeyExternalName: n}
	}
	cases := map[string]struct {
		reason            string
		observed, desired string
		hasObserved       bool
		want              string
	}{
		"Renamed": {
			reason:   "A resource that exists keeps its AWS name, whatever name the layer derives now (an environment created before names were unique per claim).",
			observed: "gokinjo-dev", desired: "gokinjo-dev-abc234", hasObserved: true, want: "gokinjo-dev",
		},
		"New": {
			reason:  "A new resource gets the derived name.",
			desired: "gokinjo-dev-abc234", want: "gokinjo-dev-abc234",
		},
		"ProviderNamed": {
			reason:   "A resource whose name the provider chooses (a VPC id) is left to the provider.",
			observed: "vpc-0123", hasObserved: true,
		},
		"NotYetNamed": {
			reason:  "An observed resource without a name yet takes the derived one.",
			desired: "gokinjo-dev-abc234", hasObserved: true, want: "gokinjo-dev-abc234",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obs := map[resource.Name]resource.ObservedComposed{}
			if tc.hasObserved {
				obs["r"] = resource.ObservedComposed{Resource: mr("eks.aws.upbound.io/v1beta1", "Cluster", nil, named(tc.observed))}
			}
			s := NewState(obs)
			if err := s.AddUnstructured("r", mr("eks.aws.upbound.io/v1beta1", "Cluster", nil, named(tc.desired)).Object, nil); err != nil {
				t.Fatal(err)
			}
			if got := meta.GetExternalName(s.Desired()["r"].Resource); got != tc.want {
				t.Errorf("%s\nexternal name: want %q, got %q", tc.reason, tc.want, got)
			}
			if err := s.GuardReplacement(); err != nil {
				t.Errorf("%s\nunexpected refusal: %v", tc.reason, err)
			}
		})
	}
}

// TestSticky: a component waiting for observed inputs is composed once they
// are observed or once it exists; until then the layer waits for it.
func TestSticky(t *testing.T) {
	s := NewState(map[resource.Name]resource.ObservedComposed{
		"exists": observed("eks.aws.upbound.io/v1beta1", "ClusterAuth", "a", false),
	})
	if !s.Sticky("new", true) {
		t.Error("a component whose inputs are observed must be composed")
	}
	if !s.Sticky("exists", false) {
		t.Error("an existing component must stay composed when an input flickers")
	}
	if s.Sticky("held", false) {
		t.Error("a new component without its inputs must wait")
	}
	if s.StickyFor("held-too", "its ProviderConfig", false) || !s.StickyFor("exists", "its ProviderConfig", false) {
		t.Error("StickyFor must follow the rule of Sticky")
	}
	s.Wait("the issuer")
	if diff := cmp.Diff([]string{"held", "its ProviderConfig", "the issuer"}, s.Waiting()); diff != "" {
		t.Errorf("Waiting(): -want, +got:\n%s", diff)
	}
}
