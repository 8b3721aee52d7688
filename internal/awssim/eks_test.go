package awssim

import (
	"fmt"
	"regexp"
	"strings"
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

// nodeGroup is a node group of the range, desired only in initProvider (or
// also in forProvider when fpDesired >= 0).
func nodeGroup(min, max, initDesired, fpDesired float64) *unstructured.Unstructured {
	sc := map[string]any{"minSize": min, "maxSize": max}
	if fpDesired >= 0 {
		sc["desiredSize"] = fpDesired
	}
	u := mr("eks", "NodeGroup", "ng", map[string]any{"scalingConfig": []any{sc}}, ext("gokinjo-dev-compute"))
	_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"desiredSize": initDesired}}, "spec", "initProvider", "scalingConfig")
	return u
}

func observedDesired(t *testing.T, a *Account, u *unstructured.Unstructured) any {
	t.Helper()
	return scalingConfig(state(a, u).Observed, "status", "atProvider")["desiredSize"]
}

// TestNodeGroupScaling: EKS refuses a desired size outside [minSize,
// maxSize]. After creation the desired size in initProvider is ignored and
// the provider sends the group's current one (the autoscaler's) with a new
// range, so raising minSize above it or lowering maxSize below it is refused
// on every retry, unless forProvider sets a desired size within the range.
func TestNodeGroupScaling(t *testing.T) {
	cases := map[string]struct {
		reason string
		// scaleTo is the autoscaler's desired size before the update (-1: none).
		scaleTo int
		update  *unstructured.Unstructured
		want    string // refusal in the message; "" = accepted
		desired float64
	}{
		"MinAboveCurrent": {
			reason:  "dev compute idles at 0; a claim raises minSize to 1: the update carries desired 0",
			scaleTo: -1, update: nodeGroup(1, 2, 1, -1),
			want: "operation error UpdateNodegroupConfig, api error InvalidParameterException: Minimum capacity 1 can't be greater than desired size 0",
		},
		"MaxBelowCurrent": {
			reason:  "the autoscaler runs 2 nodes; a claim lowers maxSize to 1: the update carries desired 2",
			scaleTo: 2, update: nodeGroup(0, 1, 0, -1),
			want: "operation error UpdateNodegroupConfig, api error InvalidParameterException: desiredSize can't be greater than maxSize",
		},
		"MinAboveCurrentClamped": {
			reason:  "forProvider's desired size, clamped into the new range, makes the update valid",
			scaleTo: -1, update: nodeGroup(1, 2, 1, 1), desired: 1,
		},
		"MaxBelowCurrentClamped": {
			reason:  "forProvider's desired size, clamped into the new range, makes the update valid",
			scaleTo: 2, update: nodeGroup(0, 1, 0, 1), desired: 1,
		},
		"InRangeKeepsAutoscalerSize": {
			reason:  "a range change that keeps the current size is accepted and leaves the autoscaler's size alone",
			scaleTo: 2, update: nodeGroup(0, 3, 0, -1), desired: 2,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			created := nodeGroup(0, 2, 0, -1)
			apply(t, a, created)
			mustState(t, a, created, StateAvailable, "")
			if tc.scaleTo >= 0 {
				if err := a.ScaleNodeGroup(created.GetName(), tc.scaleTo); err != nil {
					t.Fatal(err)
				}
			}
			before := observedDesired(t, a, created)
			out := apply(t, a, tc.update)
			if tc.want == "" {
				mustState(t, a, tc.update, StateAvailable, "")
				if got := observedDesired(t, a, tc.update); got != tc.desired {
					t.Errorf("%s: desiredSize after the update = %v, want %v", tc.reason, got, tc.desired)
				}
				if len(a.Failures()) != 0 {
					t.Errorf("%s: Failures() = %v", tc.reason, a.Failures())
				}
				return
			}
			// Refused: still in AWS as it was, Ready, Synced=False.
			mustState(t, a, tc.update, StateAvailable, tc.want)
			if c := condition(out[0], "Synced"); c == nil || c["status"] != "False" || !strings.HasPrefix(fmt.Sprint(c["message"]), "update failed") {
				t.Errorf("%s: Synced condition = %v, want False with the update error", tc.reason, c)
			}
			if c := condition(out[0], "Ready"); c == nil || c["status"] != "True" {
				t.Errorf("%s: Ready condition = %v, want True (the group runs as it was)", tc.reason, c)
			}
			if got := observedDesired(t, a, tc.update); got != before {
				t.Errorf("%s: desiredSize = %v after a refused update, want %v", tc.reason, got, before)
			}
			if f := a.Failures(); len(f) != 1 || f[0].Err == nil || f[0].Err.Rule != "eks-nodegroup-scaling" {
				t.Errorf("%s: Failures() = %v", tc.reason, f)
			}
			// The provider's retry is refused the same way.
			apply(t, a, tc.update)
			mustState(t, a, tc.update, StateAvailable, tc.want)
		})
	}
}

// TestNodeGroupScalingOnCreate: CreateNodegroup refuses a desired size
// outside the range too.
func TestNodeGroupScalingOnCreate(t *testing.T) {
	a := newAccount(NewCloud(), "111111111111")
	bad := nodeGroup(2, 5, 1, -1)
	apply(t, a, bad)
	mustState(t, a, bad, StateFailed, "operation error CreateNodegroup, api error InvalidParameterException: Minimum capacity 2 can't be greater than desired size 1")
}
