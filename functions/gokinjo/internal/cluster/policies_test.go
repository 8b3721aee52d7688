package cluster

import (
	"encoding/json"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// TestLBControllerPolicyComplete: the composed policy of the load balancer
// controller grants every action of the upstream policy of the pinned
// controller version (facts data/iam.yaml), so no reconcile of the Ingress
// fails on AccessDenied.
func TestLBControllerPolicyComplete(t *testing.T) {
	want := facts.IAM.Controllers["aws-load-balancer-controller"].Actions
	if len(want) == 0 {
		t.Fatal("no upstream actions in facts data/iam.yaml")
	}
	_, s, _ := converge(t, params(t, "prod", nil))
	u, ok := desiredOf(s, "RolePolicy")[irsaPolicyComponent(saLBController)]
	if !ok {
		t.Fatal("no RolePolicy for the load balancer controller")
	}
	p, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "policy")
	var doc policyDocument
	if err := json.Unmarshal([]byte(p), &doc); err != nil {
		t.Fatal(err)
	}
	granted := map[string]bool{}
	for _, st := range doc.Statement {
		if st.Effect != "Allow" || len(st.Resource) == 0 {
			continue
		}
		for _, a := range st.Action {
			granted[a] = true
		}
	}
	for _, a := range want {
		if !granted[a] {
			t.Errorf("the load balancer controller's policy does not grant %s (upstream %s grants it)", a, facts.IAM.Controllers["aws-load-balancer-controller"].Version)
		}
	}
}

// TestIRSABucketsWithSuffix: with a bucketSuffix, the S3 policies name the
// real buckets (before, they named the unsuffixed ones: AccessDenied).
func TestIRSABucketsWithSuffix(t *testing.T) {
	_, s, _ := converge(t, params(t, "dev", func(p *v1alpha1.ClusterParameters) {
		p.Buckets = map[string]string{"raw": "gokinjo-raw-dev-acme", "processed": "gokinjo-processed-dev-acme", "curated": "gokinjo-curated-dev-acme"}
	}))
	u := desiredOf(s, "RolePolicy")[irsaPolicyComponent(saAPI)]
	p, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "policy")
	var doc policyDocument
	if err := json.Unmarshal([]byte(p), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range doc.Statement {
		got = append(got, st.Resource...)
	}
	want := []string{"arn:aws:s3:::gokinjo-curated-dev-acme", "arn:aws:s3:::gokinjo-curated-dev-acme/*"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("API policy resources = %v, want %v", got, want)
	}
}
