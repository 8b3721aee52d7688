package compose

import (
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func observed(apiVersion, kind, name string, ready bool) resource.ObservedComposed {
	u := composed.New()
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetName(name)
	status := "False"
	if ready {
		status = "True"
	}
	_ = u.SetValue("status.conditions", []any{map[string]any{"type": "Ready", "status": status, "reason": "x", "lastTransitionTime": "2026-01-01T00:00:00Z"}})
	return resource.ObservedComposed{Resource: u}
}

func TestGuardStateful(t *testing.T) {
	cases := map[string]struct {
		reason  string
		desired []string
		want    string
	}{
		"Kept": {
			reason:  "A stateful resource that stays desired passes.",
			desired: []string{"db", "route"},
		},
		"StatelessDropped": {
			reason:  "Dropping a stateless resource is an ordinary change.",
			desired: []string{"db"},
		},
		"StatefulDropped": {
			reason:  "Dropping an observed database is refused, naming it.",
			desired: []string{"route"},
			want:    `refusing to remove stateful resources that exist: Instance "db" (gokinjo-db)`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := NewState(map[resource.Name]resource.ObservedComposed{
				"db":    observed("rds.aws.upbound.io/v1beta2", "Instance", "gokinjo-db", true),
				"route": observed("ec2.aws.upbound.io/v1beta2", "Route", "r", true),
			})
			for _, d := range tc.desired {
				o := s.Observed[resource.Name(d)].Resource
				if err := s.AddUnstructured(d, o.DeepCopy().Object, nil); err != nil {
					t.Fatal(err)
				}
			}
			err := s.GuardStateful()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("%s\nunexpected error: %v", tc.reason, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("%s\nwant error containing %q, got %v", tc.reason, tc.want, err)
			}
		})
	}
}

func TestReadiness(t *testing.T) {
	s := NewState(map[resource.Name]resource.ObservedComposed{
		"ready":   observed("ec2.aws.upbound.io/v1beta1", "VPC", "a", true),
		"unready": observed("ec2.aws.upbound.io/v1beta1", "VPC", "b", false),
	})
	for _, n := range []string{"ready", "unready", "new"} {
		u := composed.New()
		u.SetAPIVersion("ec2.aws.upbound.io/v1beta1")
		u.SetKind("VPC")
		if err := s.AddUnstructured(n, u.Object, map[string]string{"l": "v"}); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]resource.Ready{"ready": resource.ReadyTrue, "unready": resource.ReadyFalse, "new": resource.ReadyFalse}
	for n, r := range want {
		d := s.Desired()[resource.Name(n)]
		if d.Ready != r {
			t.Errorf("%s: want ready %s, got %s", n, r, d.Ready)
		}
		if d.Resource.GetLabels()["l"] != "v" {
			t.Errorf("%s: labels were not set", n)
		}
	}
	if err := s.AddUnstructured("ready", map[string]any{}, nil); err == nil {
		t.Error("desiring a name twice must be an error")
	}
	for _, apiVersion := range []string{"kubernetes.crossplane.io/v1alpha1", "helm.crossplane.io/v1beta1"} {
		pc := composed.New()
		pc.SetAPIVersion(apiVersion)
		pc.SetKind("ProviderConfig")
		if !IsReady(pc) {
			t.Errorf("a %s ProviderConfig has no conditions: it is ready once observed", apiVersion)
		}
	}
}

// TestStatefulRegistry proves compose's own registry, without any layer
// package imported, holds every kind a function bug must never drop.
func TestStatefulRegistry(t *testing.T) {
	for _, gk := range []schema.GroupKind{
		{Group: "rds.aws.upbound.io", Kind: "Instance"},
		{Group: "s3.aws.upbound.io", Kind: "Bucket"},
		{Group: "kms.aws.upbound.io", Kind: "Key"},
		{Group: "eks.aws.upbound.io", Kind: "Cluster"},
		{Group: v1alpha1.Group, Kind: v1alpha1.KindCluster},
		{Group: v1alpha1.Group, Kind: v1alpha1.KindDatabase},
		{Group: v1alpha1.Group, Kind: v1alpha1.KindDataLake},
	} {
		if !IsStateful(gk) {
			t.Errorf("%s is not registered as stateful", gk)
		}
	}
	for _, gk := range []schema.GroupKind{
		{Group: "ec2.aws.upbound.io", Kind: "VPC"},
		{Group: v1alpha1.Group, Kind: v1alpha1.KindNetwork},
		{Group: v1alpha1.Group, Kind: v1alpha1.KindWorkloads},
	} {
		if IsStateful(gk) {
			t.Errorf("%s is registered as stateful: dropping it is an ordinary change", gk)
		}
	}
}
