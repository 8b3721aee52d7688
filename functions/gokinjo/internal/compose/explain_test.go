package compose

import (
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/google/go-cmp/cmp"
)

// observedObj builds an observed composed resource with the given conditions
// (type, status, reason, message) and, for nested XRs, a status.progress.
func observedObj(apiVersion, kind string, progress map[string]any, conds ...[4]string) resource.ObservedComposed {
	u := composed.New()
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	var cs []any
	for _, c := range conds {
		cs = append(cs, map[string]any{"type": c[0], "status": c[1], "reason": c[2], "message": c[3], "lastTransitionTime": "2026-11-30T10:00:00Z"})
	}
	status := map[string]any{}
	if len(cs) > 0 {
		status["conditions"] = cs
	}
	if progress != nil {
		status["progress"] = progress
	}
	u.Object["status"] = status
	return resource.ObservedComposed{Resource: u}
}

func desire(t *testing.T, s *State, names map[string][2]string) {
	t.Helper()
	for name, gvk := range names {
		if err := s.AddUnstructured(name, map[string]any{"apiVersion": gvk[0], "kind": gvk[1]}, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// stateOf is a State with the observed resources and the desired ones.
func stateOf(t *testing.T, desired map[string][2]string, observed map[string]resource.ObservedComposed) *State {
	t.Helper()
	obs := map[resource.Name]resource.ObservedComposed{}
	for n, o := range observed {
		obs[resource.Name(n)] = o
	}
	s := NewState(obs)
	desire(t, s, desired)
	return s
}

func TestExplain(t *testing.T) {
	const rds, ec2 = "rds.aws.upbound.io/v1beta3", "ec2.aws.upbound.io/v1beta1"
	const xr = "platform.gokinjo.io/v1alpha1"
	ready := [4]string{"Ready", "True", "Available", ""}
	synced := [4]string{"Synced", "True", "ReconcileSuccess", ""}
	cases := map[string]struct {
		reason   string
		desired  map[string][2]string
		observed map[string]resource.ObservedComposed
		waiting  []string
		want     Condition
		progress Progress
	}{
		"AllReady": {
			reason:   "Every composed resource ready: True, Available.",
			desired:  map[string][2]string{"vpc": {ec2, "VPC"}, "db": {rds, "Instance"}},
			observed: map[string]resource.ObservedComposed{"vpc": observedObj(ec2, "VPC", nil, ready), "db": observedObj(rds, "Instance", nil, ready)},
			want:     Condition{Type: TypeResourcesReady, Status: true, Reason: ReasonAvailable, Message: "all 2 composed resources are ready"},
			progress: Progress{Ready: 2, Total: 2, Summary: "2/2"},
		},
		"ProviderError": {
			reason:  "A Synced=False resource is reported with the provider's message and since when, ahead of one not created yet.",
			desired: map[string][2]string{"vpc": {ec2, "VPC"}, "db": {rds, "Instance"}, "subnet": {ec2, "Subnet"}},
			observed: map[string]resource.ObservedComposed{
				"vpc": observedObj(ec2, "VPC", nil, ready),
				"db":  observedObj(rds, "Instance", nil, [4]string{"Synced", "False", "ReconcileError", "InvalidParameterCombination: Cannot find version 15.4 for postgres"}, [4]string{"Ready", "False", "Creating", ""}),
			},
			want: Condition{Type: TypeResourcesReady, Status: false, Reason: ReasonError,
				Message: `1/3 ready; Instance "db": Synced=False ReconcileError: InvalidParameterCombination: Cannot find version 15.4 for postgres (since 2026-11-30T10:00:00Z)`},
			progress: Progress{Ready: 1, Total: 3, Summary: "1/3"},
		},
		"NotCreatedYet": {
			reason:   "A resource Crossplane has not observed yet is named.",
			desired:  map[string][2]string{"vpc": {ec2, "VPC"}},
			observed: map[string]resource.ObservedComposed{},
			want:     Condition{Type: TypeResourcesReady, Status: false, Reason: ReasonCreating, Message: `0/1 ready; VPC "vpc" is not created yet`},
			progress: Progress{Ready: 0, Total: 1, Summary: "0/1"},
		},
		"Waiting": {
			reason:   "What the layer waits for is said even when everything composed so far is ready.",
			desired:  map[string][2]string{"vpc": {ec2, "VPC"}},
			observed: map[string]resource.ObservedComposed{"vpc": observedObj(ec2, "VPC", nil, ready, synced)},
			waiting:  []string{"the EKS cluster's OIDC issuer"},
			want:     Condition{Type: TypeResourcesReady, Status: false, Reason: ReasonWaiting, Message: "1/1 ready; waiting for the EKS cluster's OIDC issuer"},
			progress: Progress{Ready: 1, Total: 1, Summary: "1/1"},
		},
		"NestedExplanation": {
			reason:  "An Environment repeats its not-ready layer's own explanation and sums the layers' progress.",
			desired: map[string][2]string{"network": {xr, "XNetwork"}, "database": {xr, "XDatabase"}},
			observed: map[string]resource.ObservedComposed{
				"network": observedObj(xr, "XNetwork", map[string]any{"ready": 36, "total": 36, "summary": "36/36"}, ready),
				"database": observedObj(xr, "XDatabase", map[string]any{"ready": 4, "total": 6, "summary": "4/6"},
					[4]string{"Ready", "False", "Creating", ""}, [4]string{TypeResourcesReady, "False", ReasonCreating, `4/6 ready; Instance "instance" is not ready yet`}),
			},
			want: Condition{Type: TypeResourcesReady, Status: false, Reason: ReasonCreating,
				Message: `40/42 ready; XDatabase "database": 4/6 ready; Instance "instance" is not ready yet`},
			progress: Progress{Ready: 40, Total: 42, Summary: "40/42"},
		},
		"NestedRefused": {
			reason:  "A layer that refused to compose outranks a layer still creating.",
			desired: map[string][2]string{"cluster": {xr, "XCluster"}, "database": {xr, "XDatabase"}},
			observed: map[string]resource.ObservedComposed{
				"cluster":  observedObj(xr, "XCluster", nil, [4]string{"Ready", "False", "Creating", ""}),
				"database": observedObj(xr, "XDatabase", nil, [4]string{TypeComposed, "False", ReasonRefused, "spec.parameters.allocatedStorage: cannot shrink"}),
			},
			want: Condition{Type: TypeResourcesReady, Status: false, Reason: ReasonRefused,
				Message: `0/0 ready; XDatabase "database": Composed=False Refused: spec.parameters.allocatedStorage: cannot shrink (since 2026-11-30T10:00:00Z)`},
			progress: Progress{Summary: "0/0"},
		},
		"NestedNotResponsive": {
			reason:  "A layer whose watch circuit breaker is open is named with Crossplane's reason.",
			desired: map[string][2]string{"network": {xr, "XNetwork"}},
			observed: map[string]resource.ObservedComposed{
				"network": observedObj(xr, "XNetwork", nil, [4]string{"Responsive", "False", "WatchCircuitOpen", "too many watch events"}),
			},
			want: Condition{Type: TypeResourcesReady, Status: false, Reason: ReasonStalled,
				Message: `0/0 ready; XNetwork "network": Responsive=False WatchCircuitOpen: too many watch events (since 2026-11-30T10:00:00Z)`},
			progress: Progress{Summary: "0/0"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := stateOf(t, tc.desired, tc.observed)
			p, c := Explain(s, tc.waiting)
			if diff := cmp.Diff(tc.want, c); diff != "" {
				t.Errorf("%s\nExplain() condition: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.progress, p); diff != "" {
				t.Errorf("%s\nExplain() progress: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestExplainSynced: a resource the provider cannot update stays Ready (it
// still runs as it was) with Synced=False; ResourcesSynced names it with the
// provider's message, and an Environment passes on a layer's.
func TestExplainSynced(t *testing.T) {
	const rds, ec2 = "rds.aws.upbound.io/v1beta3", "ec2.aws.upbound.io/v1beta1"
	const xr = "platform.gokinjo.io/v1alpha1"
	ready := [4]string{"Ready", "True", "Available", ""}
	refused := [4]string{"Synced", "False", "ReconcileError", "update failed: InvalidParameterCombination"}
	cases := map[string]struct {
		desired  map[string][2]string
		observed map[string]resource.ObservedComposed
		want     Condition
	}{
		"AllSynced": {
			desired:  map[string][2]string{"vpc": {ec2, "VPC"}},
			observed: map[string]resource.ObservedComposed{"vpc": observedObj(ec2, "VPC", nil, ready, [4]string{"Synced", "True", "ReconcileSuccess", ""})},
			want:     Condition{Type: TypeResourcesSynced, Status: true, Reason: ReasonSynced, Message: "no composed resource reports a provider error"},
		},
		"ReadyButRefused": {
			desired:  map[string][2]string{"vpc": {ec2, "VPC"}, "db": {rds, "Instance"}},
			observed: map[string]resource.ObservedComposed{"vpc": observedObj(ec2, "VPC", nil, ready), "db": observedObj(rds, "Instance", nil, ready, refused)},
			want: Condition{Type: TypeResourcesSynced, Status: false, Reason: ReasonError,
				Message: `Instance "db": Synced=False ReconcileError: update failed: InvalidParameterCombination (since 2026-11-30T10:00:00Z)`},
		},
		"NestedLayer": {
			desired: map[string][2]string{"database": {xr, "XDatabase"}},
			observed: map[string]resource.ObservedComposed{"database": observedObj(xr, "XDatabase", nil, ready,
				[4]string{TypeResourcesSynced, "False", ReasonError, `Instance "instance": Synced=False ReconcileError: boom`})},
			want: Condition{Type: TypeResourcesSynced, Status: false, Reason: ReasonError,
				Message: `XDatabase "database": Instance "instance": Synced=False ReconcileError: boom`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := stateOf(t, tc.desired, tc.observed)
			if diff := cmp.Diff(tc.want, ExplainSynced(s)); diff != "" {
				t.Errorf("ExplainSynced (-want +got):\n%s", diff)
			}
		})
	}
}
