package awssim

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestReferencesResolve: selectors fill the id fields of forProvider (and
// the Ref), as the provider's ResolveReferences does.
func TestReferencesResolve(t *testing.T) {
	a := newAccount(NewCloud(), "111111111111")
	v := vpc("10.0.0.0/16")
	s := subnet("subnet-a", "10.0.0.0/24", "ap-northeast-1a", nil)
	out := apply(t, a, s, v) // The subnet first: it resolves on a later pass.
	mustState(t, a, s, StateAvailable, "")
	vpcID := state(a, v).ExternalName()
	got, _, _ := unstructured.NestedString(out[0].Object, "spec", "forProvider", "vpcId")
	if got == "" || got != vpcID {
		t.Errorf("subnet forProvider.vpcId = %q, want the VPC's id %q", got, vpcID)
	}
	if ref, _, _ := unstructured.NestedString(out[0].Object, "spec", "forProvider", "vpcIdRef", "name"); ref != "vpc" {
		t.Errorf("subnet forProvider.vpcIdRef.name = %q, want vpc", ref)
	}
}

// TestSelectorMatchingNothing: the resource stays unresolved and not Ready,
// with crossplane-runtime's message.
func TestSelectorMatchingNothing(t *testing.T) {
	a := newAccount(NewCloud(), "111111111111")
	s := subnet("subnet-a", "10.0.0.0/24", "ap-northeast-1a", nil)
	out := apply(t, a, s)
	mustState(t, a, s, StateUnresolved, "cannot resolve references: mg.Spec.ForProvider.VPCID: no resources matched selector")
	if c := condition(out[0], "Ready"); c != nil && c["status"] == "True" {
		t.Error("an unresolved resource is Ready")
	}
	if c := condition(out[0], "Synced"); c == nil || c["status"] != "False" || c["reason"] != "ReconcileError" {
		t.Errorf("Synced = %v, want False/ReconcileError", c)
	}
}

// TestMatchControllerRef: a VPC with matching labels but another controller
// (another environment's XR) is not selected.
func TestMatchControllerRef(t *testing.T) {
	a := newAccount(NewCloud(), "111111111111")
	other := mr("ec2", "VPC", "vpc-other", map[string]any{"cidrBlock": "10.0.0.0/16"}, owner("XNetwork", "someone-else"))
	other.SetLabels(map[string]string{"platform.gokinjo.io/component": "vpc"})
	s := subnet("subnet-a", "10.0.0.0/24", "ap-northeast-1a", nil)
	apply(t, a, other, s)
	mustState(t, a, s, StateUnresolved, errNoMatches)
}

// TestReferenceNotYetReady: a reference whose value the target does not
// have yet (a node group's cluster not ACTIVE) fails with the resolver's
// "referenced field was empty" message.
func TestReferenceNotYetReady(t *testing.T) {
	a := newAccount(NewCloud(), "111111111111")
	a.Delays = Delays{Scale: 1}
	c := mr("eks", "Cluster", "cluster", map[string]any{"version": "1.33"}, ext("gokinjo-dev"))
	ng := mr("eks", "NodeGroup", "ng", map[string]any{"clusterNameSelector": sel("cluster")})
	apply(t, a, c, ng)
	mustState(t, a, c, StateCreating, "Creating")
	mustState(t, a, ng, StateUnresolved, "mg.Spec.ForProvider.ClusterName: "+errNoValue)
}

// TestResolvedIDsFeedRules: the subnet's CIDR is checked against the VPC
// its selector resolved to.
func TestResolvedIDsFeedRules(t *testing.T) {
	a := newAccount(NewCloud(), "111111111111")
	v := vpc("10.1.0.0/16")
	s := subnet("subnet-a", "10.0.0.0/24", "ap-northeast-1a", nil)
	apply(t, a, v, s)
	mustState(t, a, s, StateFailed, "InvalidSubnet.Range")
}

func condition(u *unstructured.Unstructured, typ string) map[string]any {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == typ {
			return m
		}
	}
	return nil
}
