package awssim

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func object(kind string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kubernetes.crossplane.io/v1alpha2", "kind": "Object",
		"metadata": map[string]any{"name": "gokinjo-dev-x"},
		"spec": map[string]any{"forProvider": map[string]any{"manifest": map[string]any{
			"apiVersion": "v1", "kind": kind,
			"metadata": map[string]any{"name": "gokinjo", "namespace": "gokinjo-dev"},
			"spec":     map[string]any{"replicas": int64(2)},
		}}},
	}}
}

// TestSimulatedObjects: the simulator reports the manifests as the cluster
// would: Deployments available, Jobs complete, an Ingress with an ALB, and
// Releases deployed.
func TestSimulatedObjects(t *testing.T) {
	cases := map[string]struct {
		in    *unstructured.Unstructured
		path  []string
		check func(v any) bool
	}{
		"Deployment": {object("Deployment"), []string{"status", "atProvider", "manifest", "status", "availableReplicas"}, func(v any) bool { return v == int64(2) }},
		"Job":        {object("Job"), []string{"status", "atProvider", "manifest", "status", "succeeded"}, func(v any) bool { return v == int64(1) }},
		"Ingress": {object("Ingress"), []string{"status", "atProvider", "manifest", "status", "loadBalancer"}, func(v any) bool {
			ing := v.(map[string]any)["ingress"].([]any)[0].(map[string]any)["hostname"].(string)
			return strings.HasPrefix(ing, "k8s-gokinjo-gokinjo-") && strings.HasSuffix(ing, ".ap-northeast-1.elb.amazonaws.com")
		}},
		"Release": {&unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "helm.crossplane.io/v1beta1", "kind": "Release", "metadata": map[string]any{"name": "r"},
			"spec": map[string]any{"forProvider": map[string]any{"chart": map[string]any{"name": "x"}}},
		}}, []string{"status", "atProvider", "state"}, func(v any) bool { return v == "deployed" }},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o, err := Observe("xr", "comp", tc.in)
			if err != nil {
				t.Fatal(err)
			}
			v, ok, _ := unstructured.NestedFieldNoCopy(o.Object, tc.path...)
			if !ok || !tc.check(v) {
				t.Errorf("%v = %v", tc.path, v)
			}
			if _, ok, _ := unstructured.NestedFieldNoCopy(tc.in.Object, "spec", "forProvider", "manifest", "status"); ok {
				t.Error("the simulator changed the desired manifest")
			}
		})
	}
}

// TestObserveUsage: a Usage is observed as Crossplane's Usage controller
// reports it, not as a provider's managed resource: no external name, no
// atProvider, Ready=True and no Synced condition.
func TestObserveUsage(t *testing.T) {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": GroupProtection + "/v1beta1", "kind": "ClusterUsage", "metadata": map[string]any{"name": "u"},
		"spec": map[string]any{"replayDeletion": true},
	}}
	o, err := Observe("gokinjo-dev-x", "usage-a-by-b", u)
	if err != nil {
		t.Fatal(err)
	}
	if ext, ok := o.GetAnnotations()[AnnotationExternalName]; ok {
		t.Errorf("external name %q: no provider names a Usage", ext)
	}
	if _, ok, _ := unstructured.NestedMap(o.Object, "status", "atProvider"); ok {
		t.Error("status.atProvider set: a Usage has none")
	}
	conds, _, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
	if len(conds) != 1 || conds[0].(map[string]any)["type"] != "Ready" || conds[0].(map[string]any)["status"] != "True" {
		t.Errorf("conditions %v, want only Ready=True", conds)
	}
}
