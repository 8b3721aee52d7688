package awssim

import (
	"regexp"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestSimulatedClusterStatus(t *testing.T) {
	desired := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "eks.aws.upbound.io/v1beta1",
		"kind":       "Cluster",
		"metadata":   map[string]any{"annotations": map[string]any{AnnotationExternalName: "gokinjo-dev"}},
		"spec": map[string]any{"forProvider": map[string]any{
			"region":    "ap-northeast-1",
			"vpcConfig": []any{map[string]any{"endpointPrivateAccess": true, "subnetIdSelector": map[string]any{}}},
		}},
	}}
	o, err := Observe("gokinjo-abcde-x", "eks-cluster", desired)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		reason string
		path   []string
		want   *regexp.Regexp
	}{
		"Endpoint": {
			reason: "EKS endpoints are https://<32 hex>.gr7.<region>.eks.amazonaws.com.",
			path:   []string{"endpoint"},
			want:   regexp.MustCompile(`^https://[0-9A-F]{32}\.gr7\.ap-northeast-1\.eks\.amazonaws\.com$`),
		},
		"ARN": {
			reason: "The cluster ARN names the cluster.",
			path:   []string{"arn"},
			want:   regexp.MustCompile(`^arn:aws:eks:ap-northeast-1:123456789012:cluster/gokinjo-dev$`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, _, _ := unstructured.NestedString(o.Object, append([]string{"status", "atProvider"}, tc.path...)...)
			if !tc.want.MatchString(got) {
				t.Errorf("%s\ngot %q, want match of %s", tc.reason, got, tc.want)
			}
		})
	}
	identity, _, _ := unstructured.NestedSlice(o.Object, "status", "atProvider", "identity")
	issuer := identity[0].(map[string]any)["oidc"].([]any)[0].(map[string]any)["issuer"].(string)
	if !regexp.MustCompile(`^https://oidc\.eks\.ap-northeast-1\.amazonaws\.com/id/[0-9A-F]{32}$`).MatchString(issuer) {
		t.Errorf("issuer %q is not an EKS OIDC issuer", issuer)
	}
	vpc, _, _ := unstructured.NestedSlice(o.Object, "status", "atProvider", "vpcConfig")
	v := vpc[0].(map[string]any)
	if _, ok := v["subnetIdSelector"]; ok {
		t.Errorf("atProvider.vpcConfig holds a selector: %v", v)
	}
	if sg, _ := v["clusterSecurityGroupId"].(string); !regexp.MustCompile(`^sg-[0-9a-f]{17}$`).MatchString(sg) {
		t.Errorf("clusterSecurityGroupId %q is not a security group id", sg)
	}
}

func TestSimulatedNodeGroupKeepsInitialDesiredSize(t *testing.T) {
	desired := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "eks.aws.upbound.io/v1beta1",
		"kind":       "NodeGroup",
		"spec": map[string]any{
			"forProvider":  map[string]any{"region": "ap-northeast-1", "scalingConfig": []any{map[string]any{"minSize": 2.0, "maxSize": 5.0}}},
			"initProvider": map[string]any{"scalingConfig": []any{map[string]any{"desiredSize": 2.0}}},
		},
	}}
	o, err := Observe("gokinjo-abcde-x", "node-group-general", desired)
	if err != nil {
		t.Fatal(err)
	}
	sc, _, _ := unstructured.NestedSlice(o.Object, "status", "atProvider", "scalingConfig")
	got := sc[0].(map[string]any)
	if got["minSize"] != 2.0 || got["maxSize"] != 5.0 || got["desiredSize"] != 2.0 {
		t.Errorf("atProvider.scalingConfig = %v, want min 2, max 5, desired 2", got)
	}
}
