package cluster

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNodeGroups(t *testing.T) {
	type nodeGroup struct {
		InstanceTypes []any
		ForProvider   map[string]any
		InitProvider  map[string]any
		Labels        map[string]any
		Taints        []any
	}
	type want struct {
		groups map[string]nodeGroup
	}
	compute := func(min, max, desired float64) nodeGroup {
		return nodeGroup{
			InstanceTypes: []any{"c5.xlarge"},
			ForProvider:   map[string]any{"minSize": min, "maxSize": max},
			InitProvider:  map[string]any{"desiredSize": desired},
			Labels:        map[string]any{"node-group": "compute", "workload": "airflow-worker"},
			Taints:        []any{map[string]any{"key": "dedicated", "value": "airflow-worker", "effect": "NO_SCHEDULE"}},
		}
	}
	general := func(it string, min, max, desired float64) nodeGroup {
		return nodeGroup{
			InstanceTypes: []any{it},
			ForProvider:   map[string]any{"minSize": min, "maxSize": max},
			InitProvider:  map[string]any{"desiredSize": desired},
			Labels:        map[string]any{"node-group": "general"},
		}
	}
	cases := map[string]struct {
		reason string
		env    string
		want   want
	}{
		"Prod": {
			reason: "prod runs t3.large 2-4 and c5.xlarge 2-4 for Airflow workers (4-8 nodes); desired sizes only at creation.",
			env:    "prod",
			want: want{groups: map[string]nodeGroup{
				"node-group-general": general("t3.large", 2, 4, 2),
				"node-group-compute": compute(2, 4, 2),
			}},
		},
		"Staging": {
			reason: "staging starts at 2 t3.large, may grow to 5; the compute group idles at 0.",
			env:    "staging",
			want: want{groups: map[string]nodeGroup{
				"node-group-general": general("t3.large", 2, 5, 2),
				"node-group-compute": compute(0, 2, 0),
			}},
		},
		"Dev": {
			reason: "dev runs 2 t3.medium; the compute group idles at 0 and may scale to 2.",
			env:    "dev",
			want: want{groups: map[string]nodeGroup{
				"node-group-general": general("t3.medium", 2, 5, 2),
				"node-group-compute": compute(0, 2, 0),
			}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, s, _ := converge(t, params(t, tc.env, nil))
			got := map[string]nodeGroup{}
			for comp, u := range desiredOf(s, "NodeGroup") {
				var ng nodeGroup
				ng.InstanceTypes, _, _ = nestedSlice(u.Object, "spec", "forProvider", "instanceTypes")
				sc, _, _ := nestedSlice(u.Object, "spec", "forProvider", "scalingConfig")
				if len(sc) != 1 {
					t.Fatalf("%s: forProvider.scalingConfig has %d entries, want 1", comp, len(sc))
				}
				ng.ForProvider = sc[0].(map[string]any)
				isc, _, _ := nestedSlice(u.Object, "spec", "initProvider", "scalingConfig")
				if len(isc) != 1 {
					t.Fatalf("%s: initProvider.scalingConfig has %d entries, want 1", comp, len(isc))
				}
				ng.InitProvider = isc[0].(map[string]any)
				ng.Labels, _, _ = nestedMap(u.Object, "spec", "forProvider", "labels")
				ng.Taints, _, _ = nestedSlice(u.Object, "spec", "forProvider", "taint")
				got[comp] = ng

				// The Cluster Autoscaler owns the size: forProvider must
				// never hold it, or every reconcile would undo a scale-out.
				if _, ok := ng.ForProvider["desiredSize"]; ok {
					t.Errorf("%s: forProvider.scalingConfig has desiredSize; want it under initProvider only", comp)
				}
				tags, _, _ := nestedMap(u.Object, "spec", "forProvider", "tags")
				for k, v := range map[string]string{"k8s.io/cluster-autoscaler/enabled": "true", "k8s.io/cluster-autoscaler/gokinjo-" + tc.env: "owned"} {
					if tags[k] != v {
						t.Errorf("%s: tag %s = %v, want %s", comp, k, tags[k], v)
					}
				}
				sel, _, _ := nestedMap(u.Object, "spec", "forProvider", "subnetIdSelector", "matchLabels")
				if sel["platform.gokinjo.io/tier"] != "private" {
					t.Errorf("%s: subnets selected by %v, want the private tier", comp, sel)
				}
			}
			if diff := cmp.Diff(tc.want.groups, got); diff != "" {
				t.Errorf("%s\nnode groups: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
