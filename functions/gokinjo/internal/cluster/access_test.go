package cluster

import (
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
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
