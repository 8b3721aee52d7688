package awssim

import (
	"fmt"
	"strings"
	"testing"

	xpv1 "github.com/crossplane/crossplane-runtime/apis/common/v1"
	"github.com/crossplane/crossplane-runtime/pkg/reconciler/managed"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestRetainedMatchesCrossplaneRuntime: the simulator's reading of
// management and deletion policies is crossplane-runtime v1.17.0's, for
// every supported set with either deletion policy, the feature on or off.
func TestRetainedMatchesCrossplaneRuntime(t *testing.T) {
	sets := [][]string{
		nil, {"*"},
		{"Observe", "Create", "Update", "LateInitialize", "Delete"},
		{"Observe"}, {},
		{"Observe", "Create", "Update", "Delete"},
		{"Observe", "Create", "Update", "LateInitialize"},
		{"Observe", "Create", "Update"},
		{"Observe", "Create", "Delete", "LateInitialize"},
		{"Observe", "Create", "LateInitialize"},
		{"Observe", "Create", "Delete"},
		{"Observe", "Create"},
		{"Observe", "Delete"},
		{"Observe", "Update"},
	}
	for _, enabled := range []bool{true, false} {
		for _, s := range sets {
			for _, d := range []string{"Delete", "Orphan"} {
				name := fmt.Sprintf("enabled=%v/%v/%s", enabled, s, d)
				p := xpv1.ManagementPolicies{xpv1.ManagementActionAll}
				if s != nil {
					p = make(xpv1.ManagementPolicies, len(s))
					for i, a := range s {
						p[i] = xpv1.ManagementAction(a)
					}
				}
				want := !managed.NewManagementPoliciesResolver(enabled, p, xpv1.DeletionPolicy(d)).ShouldDelete()
				if got := retained(enabled, s, s != nil, d); got != want {
					t.Errorf("%s: retained = %v, crossplane-runtime: %v", name, got, want)
				}
			}
		}
	}
}

// TestClusterAuthRefusesPolicies: the ClusterAuth controller runs without
// the management policies feature, so any non-default set stops it with
// crossplane-runtime's message; a Terraformed kind takes the same set.
func TestClusterAuthRefusesPolicies(t *testing.T) {
	observeOnly := []string{"Observe"}
	mk := func(apiVersion, kind string, policies []string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{}}}
		u.SetAPIVersion(apiVersion)
		u.SetKind(kind)
		if policies != nil {
			_ = unstructured.SetNestedStringSlice(u.Object, policies, "spec", "managementPolicies")
		}
		return u
	}
	cases := map[string]struct {
		u       *unstructured.Unstructured
		refused bool
	}{
		"ClusterAuthWithPolicies": {mk("eks.aws.upbound.io/v1beta1", "ClusterAuth", observeOnly), true},
		"ClusterAuthDefault":      {mk("eks.aws.upbound.io/v1beta1", "ClusterAuth", nil), false},
		"ClusterWithPolicies":     {mk("eks.aws.upbound.io/v1beta1", "Cluster", observeOnly), false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			msg := policiesRefused(tc.u)
			if (msg != "") != tc.refused {
				t.Errorf("refused = %q, want refused %v", msg, tc.refused)
			}
			if tc.refused && !strings.Contains(msg, "non-default value but the feature is not enabled") {
				t.Errorf("message %q is not crossplane-runtime's", msg)
			}
		})
	}
}
