package awssim

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/internal/facts"
)

// Retained reports whether deleting the managed resource leaves what it
// manages in place, as crossplane-runtime v1.17.0's managed reconciler
// (which provider-aws v1.23.0 runs, management policies on) decides it:
// with the default policies (unset or ["*"]) by deletionPolicy; with any
// other set by the set alone, a Delete in it deleting whatever
// deletionPolicy says (policies.go ShouldDelete). The model is this
// package's because the end-to-end module cannot link crossplane-runtime
// v1 beside its controller-runtime; TestRetainedMatchesCrossplaneRuntime
// checks it against the library's own resolver.
func Retained(u *unstructured.Unstructured) bool {
	policies, set, _ := unstructured.NestedStringSlice(u.Object, "spec", "managementPolicies")
	deletion, _, _ := unstructured.NestedString(u.Object, "spec", "deletionPolicy")
	return retained(facts.Crossplane.ManagementPolicies.EnabledByDefault, policies, set, deletion)
}

// policiesRefused is crossplane-runtime's refusal of non-default
// management policies on a kind whose controller runs without the feature
// (facts managementPolicies.featureOff): the managed reconciler stops
// there, before it observes anything, on every reconcile.
func policiesRefused(u *unstructured.Unstructured) string {
	policies, set, _ := unstructured.NestedStringSlice(u.Object, "spec", "managementPolicies")
	gk := u.GroupVersionKind().GroupKind()
	if !set || slices.Equal(policies, []string{"*"}) || !slices.Contains(facts.Crossplane.ManagementPolicies.FeatureOff, gk.Group+"/"+gk.Kind) {
		return ""
	}
	return fmt.Sprintf("`spec.managementPolicies` is set to a non-default value but the feature is not enabled: %v", policies)
}

func retained(enabled bool, policies []string, set bool, deletion string) bool {
	orphan := deletion == "Orphan"
	if !enabled {
		return orphan
	}
	all := slices.Contains(policies, "*")
	if !set || (all && len(policies) == 1) {
		return orphan
	}
	if !orphan && (all || slices.Contains(policies, "Delete")) {
		return false
	}
	return !slices.Contains(policies, "Delete")
}
