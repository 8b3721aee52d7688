package cluster

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

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
	u := desiredOf(s, "RolePolicy")[irsaPolicyComponent(saAirflowWorker)]
	p, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "policy")
	var doc policyDocument
	if err := json.Unmarshal([]byte(p), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range doc.Statement {
		got = append(got, st.Resource...)
	}
	want := []string{
		"arn:aws:s3:::gokinjo-raw-dev-acme", "arn:aws:s3:::gokinjo-processed-dev-acme", "arn:aws:s3:::gokinjo-curated-dev-acme",
		"arn:aws:s3:::gokinjo-raw-dev-acme/*", "arn:aws:s3:::gokinjo-processed-dev-acme/*", "arn:aws:s3:::gokinjo-curated-dev-acme/*",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Airflow worker policy resources: -want, +got:\n%s", diff)
	}
}

// TestLakePolicyEncryption: with aws:kms the app roles also get exactly the
// KMS actions S3 calls for their operations (read: kms:Decrypt; write:
// kms:GenerateDataKey and kms:Decrypt), only through S3 in the region and
// only for their own buckets; with AES256 (or unset, an older XCluster)
// the policies are the S3 grants alone.
func TestLakePolicyEncryption(t *testing.T) {
	suffixed := map[string]string{"raw": "gokinjo-raw-dev-acme", "processed": "gokinjo-processed-dev-acme", "curated": "gokinjo-curated-dev-acme"}
	type want struct {
		actions  []string
		contexts []string
	}
	every := []string{"arn:aws:s3:::gokinjo-raw-dev-acme", "arn:aws:s3:::gokinjo-raw-dev-acme/*",
		"arn:aws:s3:::gokinjo-processed-dev-acme", "arn:aws:s3:::gokinjo-processed-dev-acme/*", "arn:aws:s3:::gokinjo-curated-dev-acme", "arn:aws:s3:::gokinjo-curated-dev-acme/*"}
	cases := map[string]struct {
		encryption string
		want       map[string]*want // by service account key; nil: no KMS statement
	}{
		"Unset":  {encryption: "", want: map[string]*want{saAirflowWorker: nil, saAirflowScheduler: nil}},
		"AES256": {encryption: v1alpha1.EncryptionAES256, want: map[string]*want{saAirflowWorker: nil, saAirflowScheduler: nil}},
		"KMS": {encryption: v1alpha1.EncryptionKMS, want: map[string]*want{
			saAirflowWorker:    {actions: []string{"kms:Decrypt", "kms:GenerateDataKey"}, contexts: every},
			saAirflowScheduler: {actions: []string{"kms:Decrypt", "kms:GenerateDataKey"}, contexts: every},
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, s, _ := converge(t, params(t, "dev", func(p *v1alpha1.ClusterParameters) {
				p.Buckets, p.BucketEncryption = suffixed, tc.encryption
			}))
			for sa, w := range tc.want {
				u := desiredOf(s, "RolePolicy")[irsaPolicyComponent(sa)]
				p, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "policy")
				var doc policyDocument
				if err := json.Unmarshal([]byte(p), &doc); err != nil {
					t.Fatal(err)
				}
				var kms []statement
				for _, st := range doc.Statement {
					for _, a := range st.Action {
						if strings.HasPrefix(a, "kms:") {
							kms = append(kms, st)
							break
						}
					}
				}
				if len(doc.Statement) != 2+len(kms) {
					t.Errorf("%s: %d statements, want the two S3 grants and the KMS one: %s", sa, len(doc.Statement), p)
				}
				if w == nil {
					if len(kms) > 0 {
						t.Errorf("%s: KMS grant without SSE-KMS: %+v", sa, kms)
					}
					continue
				}
				if len(kms) != 1 {
					t.Fatalf("%s: %d KMS statements, want 1: %s", sa, len(kms), p)
				}
				st := kms[0]
				if !slices.Equal(st.Action, w.actions) {
					t.Errorf("%s: KMS actions %v, want %v", sa, st.Action, w.actions)
				}
				if !slices.Equal(st.Resource, []string{"arn:aws:kms:ap-northeast-1:*:key/*"}) {
					t.Errorf("%s: KMS resources %v, want the region's keys", sa, st.Resource)
				}
				if got := st.Condition["StringEquals"]["kms:ViaService"]; got != "s3.ap-northeast-1.amazonaws.com" {
					t.Errorf("%s: kms:ViaService = %v", sa, got)
				}
				got, _ := st.Condition["StringLike"]["kms:EncryptionContext:aws:s3:arn"].([]any)
				var ctx []string
				for _, c := range got {
					ctx = append(ctx, c.(string))
				}
				if !slices.Equal(ctx, w.contexts) {
					t.Errorf("%s: encryption contexts %v, want %v", sa, ctx, w.contexts)
				}
			}
		})
	}
}

// TestDataLakeAccess: the operations the tests prove through the simulator
// are the ones each role's policy is written for.
func TestDataLakeAccess(t *testing.T) {
	p := params(t, "dev", nil)
	got := DataLakeAccess(p)
	want := map[string]map[string][]string{
		"gokinjo-dev/airflow-worker":    {"gokinjo-raw-dev": lakeOps, "gokinjo-processed-dev": lakeOps, "gokinjo-curated-dev": lakeOps},
		"gokinjo-dev/airflow-scheduler": {"gokinjo-raw-dev": lakeOps, "gokinjo-processed-dev": lakeOps, "gokinjo-curated-dev": lakeOps},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DataLakeAccess (-want +got):\n%s", diff)
	}
}
