package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// nestedParameters are the Go types of each nested XR's parameters.
var nestedParameters = map[string]func() any{
	v1alpha1.KindNetwork:   func() any { return &v1alpha1.NetworkParameters{} },
	v1alpha1.KindCluster:   func() any { return &v1alpha1.ClusterParameters{} },
	v1alpha1.KindDatabase:  func() any { return &v1alpha1.DatabaseParameters{} },
	v1alpha1.KindDataLake:  func() any { return &v1alpha1.DataLakeParameters{} },
	v1alpha1.KindWorkloads: func() any { return &v1alpha1.WorkloadsParameters{} },
}

// FuzzRunFunction feeds random claims through the environment layer and then,
// as Crossplane would, every nested XR it desires through its own layer. Each
// answer must be either a Fatal result with no desired state, a layer that
// waits (not ready) for another, or a complete desired state: every composed resource decodes strictly into the provider's
// Go type (generated from the same schema as its CRD), carries a region and a
// ProviderConfig, and every nested XR's parameters decode strictly.
// make test runs it for a bounded time; testdata/fuzz keeps the seed corpus.
func FuzzRunFunction(f *testing.F) {
	f.Add(uint8(0), "10.0.0.0/16", uint8(3), "Single", "1.33", int16(2), int16(5), "db.t3.medium", "", uint16(90))
	f.Add(uint8(2), "172.16.0.0/20", uint8(2), "OnePerAZ", "1.34", int16(3), int16(8), "db.r6g.large", "acme", uint16(120))
	f.Add(uint8(1), "8.8.0.0/16", uint8(1), "Many", "1.28", int16(6), int16(4), "db.t3.micro", "Bad_Suffix", uint16(0))
	fn := NewFunction(logging.NewNopLogger())
	zones := []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d", "ap-northeast-1a"}
	f.Fuzz(func(t *testing.T, env uint8, cidr string, nzones uint8, nat, version string, minSize, maxSize int16, class, suffix string, glacier uint16) {
		params := map[string]any{
			"environment": []string{"dev", "staging", "prod", "qa"}[env%4],
			"network":     map[string]any{"cidr": cidr, "availabilityZones": zones[:int(nzones)%5], "natGateways": nat},
			"cluster": map[string]any{"version": version, "nodeGroups": map[string]any{
				"general": map[string]any{"minSize": minSize, "maxSize": maxSize},
			}},
			"database": map[string]any{"instanceClass": class},
			"dataLake": map[string]any{"bucketSuffix": suffix, "glacierAfterDays": glacier},
		}
		xr := map[string]any{
			"apiVersion": v1alpha1.APIVersion, "kind": v1alpha1.KindEnvironment,
			"metadata": map[string]any{"name": "gokinjo-fuzz"},
			"spec":     map[string]any{"parameters": params},
		}
		queue := []map[string]any{xr}
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			rsp, err := fn.RunFunction(context.Background(), newRequest(mustJSON(t, x), nil))
			if err != nil {
				t.Fatalf("RunFunction returned an error instead of a Fatal result: %v", err)
			}
			if fatal(rsp) {
				if n := len(rsp.GetDesired().GetResources()); n != 0 {
					t.Fatalf("%s: a Fatal result came with %d desired resources", x["kind"], n)
				}
				continue
			}
			if len(rsp.GetDesired().GetResources()) == 0 && rsp.GetDesired().GetComposite().GetReady() != fnv1.Ready_READY_FALSE {
				// Nothing desired is only right for a layer that waits for
				// another (workloads before the cluster exists), not ready.
				t.Fatalf("%s: no Fatal result, nothing desired, and not waiting", x["kind"])
			}
			for name, r := range rsp.GetDesired().GetResources() {
				obj := r.GetResource().AsMap()
				if err := checkComposed(obj); err != nil {
					t.Fatalf("%s: composed resource %q: %v", x["kind"], name, err)
				}
				if obj["apiVersion"] == v1alpha1.APIVersion {
					obj["metadata"] = map[string]any{"name": "gokinjo-fuzz-" + name}
					queue = append(queue, obj)
				}
			}
		}
	})
}

func fatal(rsp *fnv1.RunFunctionResponse) bool {
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			return true
		}
	}
	return false
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkComposed decodes a desired composed resource strictly into its type.
func checkComposed(obj map[string]any) error {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	if apiVersion == "" || kind == "" {
		return fmt.Errorf("no apiVersion or kind")
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return err
	}
	spec, _ := obj["spec"].(map[string]any)
	if gv.Group == v1alpha1.Group {
		newParams, ok := nestedParameters[kind]
		if !ok {
			return fmt.Errorf("unknown nested kind %s", kind)
		}
		return strictDecode(spec["parameters"], newParams())
	}
	typed, err := composed.Scheme.New(gv.WithKind(kind))
	if err != nil {
		return nil // Kinds without Go types here (ProviderConfigs) are checked by the golden validation.
	}
	if err := strictDecode(obj, typed); err != nil {
		return err
	}
	fp, _ := spec["forProvider"].(map[string]any)
	if fp["region"] == nil && takesRegion(gv.WithKind(kind)) {
		return fmt.Errorf("no region")
	}
	if pc, _ := spec["providerConfigRef"].(map[string]any); pc["name"] == "" || pc["name"] == nil {
		return fmt.Errorf("no providerConfigRef")
	}
	return nil
}

// takesRegion reports whether the kind's forProvider has a region field
// (IAM, a global service, has none): a zero typed object emits it as null.
func takesRegion(gvk schema.GroupVersionKind) bool {
	zero, err := composed.Scheme.New(gvk)
	if err != nil {
		return false
	}
	b, _ := json.Marshal(zero)
	var m struct {
		Spec struct {
			ForProvider map[string]any `json:"forProvider"`
		} `json:"spec"`
	}
	_ = json.Unmarshal(b, &m)
	_, ok := m.Spec.ForProvider["region"]
	return ok
}

func strictDecode(v any, into any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(into)
}
