package main

import (
	"context"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/google/go-cmp/cmp"
)

const workloadsXR = `{
	"apiVersion": "platform.gokinjo.io/v1alpha1", "kind": "XWorkloads", "metadata": {"name": "wl"},
	"spec": {"parameters": {"environmentId": "gokinjo-abcde", "environment": "dev", "region": "ap-northeast-1",
		"providerConfigName": "default", "namespace": "gokinjo-dev", "clusterName": "gokinjo-dev",
		"vpcCidr": "10.0.0.0/16", "version": "v0.1.0",
		"api": {"tag": "v0.1.0", "replicas": 1, "maxReplicas": 3, "cpuRequest": "250m", "memoryRequest": "256Mi", "cpuLimit": "500m", "memoryLimit": "512Mi"},
		"frontend": {"tag": "v0.1.0", "replicas": 1, "maxReplicas": 3, "cpuRequest": "100m", "memoryRequest": "128Mi", "cpuLimit": "250m", "memoryLimit": "256Mi"},
		"cluster": {PROVIDERCONFIG}, "database": {}}}}`

// TestRunFunctionWorkloads: the function dispatches XWorkloads to its layer,
// holds the XR not ready while the layer waits, and refuses bad input with
// a Fatal result and no desired resources.
func TestRunFunctionWorkloads(t *testing.T) {
	f := NewFunction(logging.NewNopLogger())
	cases := map[string]struct {
		reason    string
		xr        string
		wantKinds map[string]int
		wantFatal string
	}{
		"WaitsForProviderConfig": {
			reason:    "Without the cluster's ProviderConfig nothing is composed and the XR is not ready.",
			xr:        strings.Replace(workloadsXR, "{PROVIDERCONFIG}", "{}", 1),
			wantKinds: map[string]int{},
		},
		"ComposesWhatItCan": {
			reason:    "With the ProviderConfig: the app and monitoring namespaces, ConfigMap, 7 network policies, 4 dashboards as Objects; metrics-server and kube-prometheus-stack as Releases; the cluster layer kept for both namespaces, kube-prometheus-stack and metrics-server, the monitoring namespace for kube-prometheus-stack.",
			xr:        strings.Replace(workloadsXR, "{PROVIDERCONFIG}", `{"providerConfigName": "gokinjo-dev"}`, 1),
			wantKinds: map[string]int{"Object": 14, "Release": 2, "ClusterUsage": 5},
		},
		"RefusesLatest": {
			reason:    "A latest tag is Fatal, naming the field.",
			xr:        strings.Replace(strings.Replace(workloadsXR, "{PROVIDERCONFIG}", "{}", 1), `"api": {"tag": "v0.1.0"`, `"api": {"tag": "latest"`, 1),
			wantFatal: "spec.parameters.api.tag",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rsp, err := f.RunFunction(context.Background(), newRequest(tc.xr, nil))
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantFatal != "" {
				if len(rsp.GetResults()) == 0 || rsp.GetResults()[0].GetSeverity() != fnv1.Severity_SEVERITY_FATAL || !strings.Contains(rsp.GetResults()[0].GetMessage(), tc.wantFatal) {
					t.Fatalf("%s\nresults %v, want a Fatal naming %s", tc.reason, rsp.GetResults(), tc.wantFatal)
				}
				if len(rsp.GetDesired().GetResources()) != 0 {
					t.Errorf("%s\na Fatal result must come with no desired resources", tc.reason)
				}
				return
			}
			got := map[string]int{}
			for _, r := range rsp.GetDesired().GetResources() {
				got[r.GetResource().AsMap()["kind"].(string)]++
			}
			if diff := cmp.Diff(tc.wantKinds, got); diff != "" {
				t.Errorf("%s\nkinds: -want, +got:\n%s", tc.reason, diff)
			}
			if rsp.GetDesired().GetComposite().GetReady() != fnv1.Ready_READY_FALSE {
				t.Errorf("%s\nthe XR must not be ready while the layer waits", tc.reason)
			}
		})
	}
}
