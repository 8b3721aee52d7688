package cluster

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

var (
	nestedSlice = unstructured.NestedSlice
	nestedMap   = unstructured.NestedMap
)

func TestIRSARoles(t *testing.T) {
	type want struct {
		// subjects maps each IRSA role to the one service account its trust
		// policy admits.
		subjects map[string]string
	}
	cases := map[string]struct {
		reason string
		env    string
		want   want
	}{
		"Prod": {
			reason: "One role per service account that calls AWS (not the API's: it calls none), each trusting exactly that service account of this cluster's issuer.",
			env:    "prod",
			want: want{subjects: map[string]string{
				"irsa-cluster-autoscaler":           "system:serviceaccount:kube-system:cluster-autoscaler",
				"irsa-aws-load-balancer-controller": "system:serviceaccount:kube-system:aws-load-balancer-controller",
				"irsa-ebs-csi":                      "system:serviceaccount:kube-system:ebs-csi-controller-sa",
				"irsa-airflow-worker":               "system:serviceaccount:gokinjo-prod:airflow-worker",
				"irsa-airflow-scheduler":            "system:serviceaccount:gokinjo-prod:airflow-scheduler",
			}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, s, _ := converge(t, params(t, tc.env, nil))
			issuer := s.ObservedString(compCluster, "status.atProvider.identity[0].oidc[0].issuer")
			host := strings.TrimPrefix(issuer, "https://")
			oidcARN := s.ObservedString(compOIDCProvider, "status.atProvider.arn")
			if host == "" || oidcARN == "" {
				t.Fatalf("issuer %q or OIDC provider ARN %q not observed", issuer, oidcARN)
			}
			got := map[string]string{}
			for comp, u := range desiredOf(s, "Role") {
				if !strings.HasPrefix(comp, "irsa-") {
					continue
				}
				trust, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "assumeRolePolicy")
				var doc policyDocument
				if err := json.Unmarshal([]byte(trust), &doc); err != nil {
					t.Fatalf("%s: trust policy: %v", comp, err)
				}
				if len(doc.Statement) != 1 {
					t.Fatalf("%s: %d trust statements, want 1", comp, len(doc.Statement))
				}
				st := doc.Statement[0]
				if diff := cmp.Diff([]string{"sts:AssumeRoleWithWebIdentity"}, st.Action); diff != "" {
					t.Errorf("%s: trust actions: -want, +got:\n%s", comp, diff)
				}
				if st.Principal["Federated"] != oidcARN {
					t.Errorf("%s: trusts %v, want the OIDC provider %s", comp, st.Principal, oidcARN)
				}
				eq := st.Condition["StringEquals"]
				if len(st.Condition) != 1 || len(eq) != 2 || eq[host+":aud"] != "sts.amazonaws.com" {
					t.Errorf("%s: trust condition %v, want StringEquals on %s:sub and :aud = sts.amazonaws.com only", comp, st.Condition, host)
				}
				sub, _ := eq[host+":sub"].(string)
				got[comp] = sub
			}
			if diff := cmp.Diff(tc.want.subjects, got); diff != "" {
				t.Errorf("%s\nIRSA subjects: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestIRSAPolicies(t *testing.T) {
	cases := map[string]struct {
		reason string
		comp   string
		want   []string // resources of the S3 statements
	}{
		"AirflowReadsAndWritesEveryTier": {
			reason: "Airflow reads and writes raw, processed and curated.",
			comp:   "irsa-airflow-worker-policy",
			want: []string{
				"arn:aws:s3:::gokinjo-raw-prod", "arn:aws:s3:::gokinjo-processed-prod", "arn:aws:s3:::gokinjo-curated-prod",
				"arn:aws:s3:::gokinjo-raw-prod/*", "arn:aws:s3:::gokinjo-processed-prod/*", "arn:aws:s3:::gokinjo-curated-prod/*",
			},
		},
	}
	_, s, _ := converge(t, params(t, "prod", nil))
	policies := desiredOf(s, "RolePolicy")
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			u, ok := policies[tc.comp]
			if !ok {
				t.Fatalf("%s\nno RolePolicy %s; have %v", tc.reason, tc.comp, sortedKeys(policies))
			}
			p, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "policy")
			var doc policyDocument
			if err := json.Unmarshal([]byte(p), &doc); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, st := range doc.Statement {
				got = append(got, st.Resource...)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nresources: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
