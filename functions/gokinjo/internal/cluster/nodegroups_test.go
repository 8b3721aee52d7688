package cluster

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/awssim"
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

				// The Cluster Autoscaler owns the size: with the observed
				// size in range forProvider must not hold it, or every
				// reconcile would undo a scale-out (TestNodeGroupRangeChange
				// covers a size outside a new range).
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

// TestNodeGroupRangeChange changes the range of a running node group in a
// simulated AWS account. EKS takes a new range with the group's current
// desired size (the one in initProvider is ignored after creation) and
// refuses, on every retry, a range that excludes it; so the function sets
// the current size clamped into the new range in forProvider, with a
// warning, until AWS reports it, and otherwise leaves the size to the
// Cluster Autoscaler.
func TestNodeGroupRangeChange(t *testing.T) {
	cases := map[string]struct {
		reason string
		group  string
		// scaleTo is the autoscaler's size before the change (-1: none).
		scaleTo int
		change  func(*v1alpha1.NodeGroupParams)
		// wantDesired is forProvider's desiredSize on the change (nil: none).
		wantDesired any
		wantWarning string
		// wantAWS is the group's desired size once the change is applied.
		wantAWS float64
	}{
		"MinRaisedAboveDesired": {
			reason: "dev compute idles at 0 nodes; a claim raises minSize to 1: the update must carry desired size 1.",
			group:  v1alpha1.NodeGroupCompute, scaleTo: -1,
			change:      func(ng *v1alpha1.NodeGroupParams) { ng.MinSize, ng.DesiredSize = 1, 1 },
			wantDesired: 1.0,
			wantWarning: "spec.parameters.nodeGroups.compute: the node group runs at desired size 0, outside the new range [1, 2], which EKS refuses: setting its desired size to 1",
			wantAWS:     1,
		},
		"MaxLoweredBelowDesired": {
			reason: "the autoscaler runs dev compute at 2 nodes; a claim lowers maxSize to 1: the update must carry desired size 1.",
			group:  v1alpha1.NodeGroupCompute, scaleTo: 2,
			change:      func(ng *v1alpha1.NodeGroupParams) { ng.MaxSize = 1 },
			wantDesired: 1.0,
			wantWarning: "spec.parameters.nodeGroups.compute: the node group runs at desired size 2, outside the new range [0, 1], which EKS refuses: setting its desired size to 1",
			wantAWS:     1,
		},
		"InRange": {
			reason: "the autoscaler runs dev general at 4 nodes; a claim raises maxSize to 6: the size stays the autoscaler's, not the initial 2.",
			group:  v1alpha1.NodeGroupGeneral, scaleTo: 4,
			change:  func(ng *v1alpha1.NodeGroupParams) { ng.MaxSize = 6 },
			wantAWS: 4,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acct := awssim.NewAccount(awssim.NewCloud(), awssim.AccountID)
			before := params(t, "dev", nil)
			last, _ := inAccount(t, acct, before, nil)
			comp := nodeGroupComponent(tc.group)
			mrName := awssim.Name(testXR, comp)
			if tc.scaleTo >= 0 {
				if err := acct.ScaleNodeGroup(mrName, tc.scaleTo); err != nil {
					t.Fatal(err)
				}
			}
			// A provider poll reports the autoscaler's size.
			observed := applyTo(acct, last.State)

			after := params(t, "dev", func(p *v1alpha1.ClusterParameters) {
				for i := range p.NodeGroups {
					if p.NodeGroups[i].Name == tc.group {
						tc.change(&p.NodeGroups[i])
					}
				}
			})
			r := composetest.MustRun(t, Layer{}, v1alpha1.KindCluster, testXR, after, observed)
			if diff := cmp.Diff(tc.wantDesired, desiredScaling(t, r.State, comp)["desiredSize"]); diff != "" {
				t.Errorf("%s\nforProvider.scalingConfig[0].desiredSize on the change: -want, +got:\n%s", tc.reason, diff)
			}
			if got := strings.Join(r.XR.Warnings(), "\n"); !strings.Contains(got, tc.wantWarning) || (tc.wantWarning == "" && got != "") {
				t.Errorf("%s\nwarnings %q, want one containing %q", tc.reason, got, tc.wantWarning)
			}
			observed = applyTo(acct, r.State)
			if f := acct.Failures(); len(f) > 0 {
				t.Fatalf("%s\nthe simulated AWS refused the change: %v", tc.reason, f)
			}
			// AWS reports the size: the next reconcile leaves it to the
			// autoscaler again, and AWS keeps it.
			r = composetest.MustRun(t, Layer{}, v1alpha1.KindCluster, testXR, after, observed)
			if d, ok := desiredScaling(t, r.State, comp)["desiredSize"]; ok {
				t.Errorf("%s\nforProvider.scalingConfig[0].desiredSize = %v once AWS reports the size in range, want none", tc.reason, d)
			}
			if w := r.XR.Warnings(); len(w) > 0 {
				t.Errorf("%s\nwarnings once in range: %v", tc.reason, w)
			}
			observed = applyTo(acct, r.State)
			if f := acct.Failures(); len(f) > 0 {
				t.Fatalf("%s\nthe simulated AWS refused the reconcile after the change: %v", tc.reason, f)
			}
			var sizes []map[string]any
			if ok, err := compose.NewState(observed).ObservedInto(comp, "status.atProvider.scalingConfig", &sizes); !ok || err != nil || len(sizes) == 0 {
				t.Fatalf("%s has no observed scalingConfig (%v)", comp, err)
			}
			if got := sizes[0]["desiredSize"]; got != tc.wantAWS {
				t.Errorf("%s\nAWS desired size = %v, want %v", tc.reason, got, tc.wantAWS)
			}
		})
	}
}

// desiredScaling is forProvider.scalingConfig[0] of a desired node group.
func desiredScaling(t *testing.T, s *compose.State, comp string) map[string]any {
	t.Helper()
	u := desiredOf(s, "NodeGroup")[comp]
	if u == nil {
		t.Fatalf("%s is not desired", comp)
	}
	sc, _, _ := nestedSlice(u.Object, "spec", "forProvider", "scalingConfig")
	if len(sc) != 1 {
		t.Fatalf("%s: forProvider.scalingConfig has %d entries, want 1", comp, len(sc))
	}
	return sc[0].(map[string]any)
}
