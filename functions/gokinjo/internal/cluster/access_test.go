package cluster

import (
	"context"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// TestHumanAdminAccess: a human admin gets in through an EKS access entry for
// the IAM role named in the claim (cluster-wide AmazonEKSClusterAdminPolicy),
// reaching the API on the public endpoint from a listed CIDR; without a
// principal no access entry is composed and only the provider's identity
// (the cluster creator, behind the management cluster's kubeconfig secret)
// is admin.
func TestHumanAdminAccess(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/platform-admin"
	_, s, _ := converge(t, params(t, "prod", func(p *v1alpha1.ClusterParameters) {
		p.AccessEntries, p.AdminPrincipalARN = true, role
		p.PublicAccessCIDRs = []string{"198.51.100.0/24"}
	}))
	if got := desiredField(t, s, compAdminEntry, "spec", "forProvider", "principalArn"); got != role {
		t.Errorf("access entry principal = %v, want %s", got, role)
	}
	if got := desiredField(t, s, compAdminEntry, "spec", "forProvider", "type"); got != "STANDARD" {
		t.Errorf("access entry type = %v, want STANDARD", got)
	}
	want := map[string]any{
		"policyArn":   "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
		"accessScope": map[string]any{"type": "cluster"},
	}
	got := map[string]any{
		"policyArn":   desiredField(t, s, compAdminPolicy, "spec", "forProvider", "policyArn"),
		"accessScope": desiredField(t, s, compAdminPolicy, "spec", "forProvider", "accessScope"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("admin policy association: -want, +got:\n%s", diff)
	}
	auth := desiredField(t, s, compCluster, "spec", "forProvider", "accessConfig").([]any)[0].(map[string]any)
	if auth["authenticationMode"] != authenticationMode || auth["bootstrapClusterCreatorAdminPermissions"] != true {
		t.Errorf("accessConfig = %v: the access-entry API and the provider's admin must both be on", auth)
	}
	if vc := vpcConfig(t, s); vc["endpointPublicAccess"] != true {
		t.Errorf("listing a CIDR must turn the public endpoint on")
	}

	_, none, _ := converge(t, params(t, "prod", nil))
	for _, comp := range []string{compAdminEntry, compAdminPolicy} {
		if _, ok := none.Desired()[resource.Name(comp)]; ok {
			t.Errorf("%s composed without an admin principal", comp)
		}
	}
}

// TestProviderConfigsReadyOnceObserved: the ProviderConfigs have no
// conditions, so compose's ready checks must know their kinds, or the XR
// would never be ready.
func TestProviderConfigsReadyOnceObserved(t *testing.T) {
	_, s, _ := converge(t, params(t, "dev", nil))
	for _, comp := range []string{compKubernetesProvider, compHelmProvider} {
		o := s.Observed[resource.Name(comp)].Resource.DeepCopy()
		delete(o.Object, "status") // as observed: no conditions at all
		if d := s.Desired()[resource.Name(comp)]; d == nil || !compose.IsReady(o) {
			t.Errorf("%s: want composed and ready once observed", comp)
		}
	}
}

// TestAdminPrincipalChange: provider-aws identifies an access entry (and
// its policy association) by cluster and principal, so a new principal is
// composed under new names and Crossplane deletes the old entry: kept under
// the same managed resource it would stay in AWS, still admin. Names stay
// while the principal does.
func TestAdminPrincipalChange(t *testing.T) {
	const a, b = "arn:aws:iam::123456789012:role/admin-a", "arn:aws:iam::123456789012:role/admin-b"
	withAdmin := func(principal string) v1alpha1.ClusterParameters {
		return params(t, "prod", func(p *v1alpha1.ClusterParameters) { p.AccessEntries, p.AdminPrincipalARN = true, principal })
	}
	entries := func(s *compose.State) map[string]string {
		out := map[string]string{}
		for name, d := range s.Desired() {
			if d.Resource.GetKind() == "AccessEntry" {
				p, _ := d.Resource.GetString("spec.forProvider.principalArn")
				out[string(name)] = p
			}
		}
		return out
	}
	_, first, _ := converge(t, withAdmin(a))
	if got := entries(first); len(got) != 1 || got[compAdminEntry] != a {
		t.Fatalf("first principal: entries %v, want %s under %s", got, a, compAdminEntry)
	}
	// The claim names another principal: the next reconcile sees the
	// entry of a.
	xr, _ := newXR(t, withAdmin(b))
	next := compose.NewState(first.Observed)
	if err := (Layer{}).Compose(context.Background(), xr, next); err != nil {
		t.Fatal(err)
	}
	got := entries(next)
	if len(got) != 1 || got[compAdminEntry] != "" {
		t.Fatalf("new principal: entries %v, want one under a new name (the old one deleted by Crossplane)", got)
	}
	for comp, p := range got {
		if p != b {
			t.Errorf("%s names %s, want %s", comp, p, b)
		}
		policy := compAdminPolicy + strings.TrimPrefix(comp, compAdminEntry)
		sel, _ := next.Desired()[resource.Name(policy)].Resource.GetString("spec.forProvider.principalArnSelector.matchLabels[platform.gokinjo.io/component]")
		if sel != comp {
			t.Errorf("policy association %s selects %q, want its entry %s", policy, sel, comp)
		}
	}
	// The same principal again, with its entry observed: nothing moves.
	again := compose.NewState(composetest.Observe(t, testXR, next))
	xr, _ = newXR(t, withAdmin(b))
	if err := (Layer{}).Compose(context.Background(), xr, again); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, entries(again)); diff != "" {
		t.Errorf("an unchanged principal moved: -before, +after:\n%s", diff)
	}
}
