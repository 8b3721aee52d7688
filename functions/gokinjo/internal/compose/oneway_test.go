package compose

import (
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
)

func withActual(u *composed.Unstructured, v string) *composed.Unstructured {
	_ = u.SetValue("status.atProvider.engineVersionActual", v)
	return u
}

func TestGuardOneWay(t *testing.T) {
	inst := func(fp map[string]any) *composed.Unstructured {
		return mr("rds.aws.upbound.io/v1beta2", "Instance", fp, nil)
	}
	cases := map[string]struct {
		reason            string
		observed, desired *composed.Unstructured
		want              string
	}{
		"MinorUpgrade": {
			reason:   "15.4 to 15.15 is an upgrade (compared as numbers, not strings).",
			observed: inst(map[string]any{"engineVersion": "15.4"}),
			desired:  inst(map[string]any{"engineVersion": "15.15"}),
		},
		"MinorDowngrade": {
			reason:   "RDS cannot downgrade a minor: name the field, the current value and the fix.",
			observed: inst(map[string]any{"engineVersion": "15.15"}),
			desired:  inst(map[string]any{"engineVersion": "15.12"}),
			want:     `database.engineVersion: Instance "r" runs 15.15 and the claim asks 15.12: RDS cannot downgrade an engine: set 15.15 or a later version`,
		},
		"UnchangedAfterForcedUpgrade": {
			reason: "RDS upgraded the instance itself (actual 15.15) and the claim still says 15.12: nothing is asked " +
				"(provider-aws ignores a spec older than what runs), so nothing is refused and the layer keeps composing.",
			observed: withActual(inst(map[string]any{"engineVersion": "15.12"}), "15.15"),
			desired:  inst(map[string]any{"engineVersion": "15.12"}),
		},
		"ChangeBelowForcedUpgrade": {
			reason:   "RDS upgraded the instance itself (actual 15.15): a claim edit to 15.13 is a downgrade of what runs.",
			observed: withActual(inst(map[string]any{"engineVersion": "15.12"}), "15.15"),
			desired:  inst(map[string]any{"engineVersion": "15.13"}),
			want:     `runs 15.15 and the claim asks 15.13`,
		},
		"StorageGrow": {
			reason:   "Growing storage is fine.",
			observed: inst(map[string]any{"allocatedStorage": 200.0}),
			desired:  inst(map[string]any{"allocatedStorage": 250.0}),
		},
		"StorageShrink": {
			reason:   "RDS cannot shrink storage.",
			observed: inst(map[string]any{"allocatedStorage": 200.0}),
			desired:  inst(map[string]any{"allocatedStorage": 100.0}),
			want:     `database.allocatedStorage: Instance "r" runs 200 and the claim asks 100: RDS cannot shrink storage: set 200 GiB or more`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := NewState(map[resource.Name]resource.ObservedComposed{"r": {Resource: tc.observed}})
			if err := s.AddUnstructured("r", tc.desired.Object, nil); err != nil {
				t.Fatal(err)
			}
			err := s.GuardReplacement()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("%s\nunexpected error: %v", tc.reason, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("%s\nwant error containing %q, got %v", tc.reason, tc.want, err)
			}
		})
	}
}
