package compose

import (
	"testing"

	"github.com/crossplane/crossplane-runtime/pkg/meta"
	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
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

// TestNeverCreated: a name may change only while nothing in AWS carries it:
// a resource that failed before any create started (S3's 403 on a bucket
// name another account owns comes before a create); not one whose create
// started (it may exist, half made) or that reports an id.
func TestNeverCreated(t *testing.T) {
	mk := func(synced corev1.ConditionStatus, annotations map[string]string, arn string) *composed.Unstructured {
		u := composed.New()
		u.SetAnnotations(annotations)
		u.SetConditions(xpv1.Condition{Type: xpv1.TypeSynced, Status: synced, Reason: "ReconcileError", Message: "observe failed: ... api error Forbidden: Forbidden"})
		if arn != "" {
			_ = u.SetValue("status.atProvider.arn", arn)
		}
		return u
	}
	started := map[string]string{meta.AnnotationKeyExternalCreatePending: "2026-12-01T00:00:00Z"}
	succeeded := map[string]string{meta.AnnotationKeyExternalCreateSucceeded: "2026-12-01T00:00:00Z"}
	cases := map[string]struct {
		u    *composed.Unstructured
		want bool
	}{
		"RefusedBeforeCreate": {mk(corev1.ConditionFalse, nil, ""), true},
		"CreateStarted":       {mk(corev1.ConditionFalse, started, ""), false},
		"CreateReturned":      {mk(corev1.ConditionFalse, succeeded, ""), false},
		"Exists":              {mk(corev1.ConditionFalse, nil, "arn:aws:s3:::b"), false},
		"Synced":              {mk(corev1.ConditionTrue, nil, ""), false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := NeverCreated(tc.u); got != tc.want {
				t.Errorf("NeverCreated = %v, want %v", got, tc.want)
			}
		})
	}
}
