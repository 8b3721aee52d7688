package environment

import (
	"context"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// observedNested is a nested XR as observed, with these parameters.
func observedNested(kind string, params map[string]any) resource.ObservedComposed {
	u := composed.New()
	u.SetUnstructuredContent(map[string]any{
		"apiVersion": v1alpha1.APIVersion, "kind": kind,
		"metadata": map[string]any{"name": "x"},
		"spec":     map[string]any{"parameters": params},
	})
	return resource.ObservedComposed{Resource: u}
}

func clusterName(t *testing.T, xr *compose.XR, observed map[resource.Name]resource.ObservedComposed) string {
	t.Helper()
	s := compose.NewState(observed)
	if err := (Layer{}).Compose(context.Background(), xr, s); err != nil {
		t.Fatal(err)
	}
	n, err := s.Desired()[compCluster].Resource.GetString("spec.parameters.name")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNamePrefix(t *testing.T) {
	dev := map[string]any{"environment": "dev"}
	want := naming.NewPrefix("dev", naming.Identity{ClaimNamespace: "team-a", ClaimName: "gokinjo", Region: "ap-northeast-1"})
	cases := map[string]struct {
		reason   string
		xr       *compose.XR
		observed map[resource.Name]resource.ObservedComposed
		want     string
	}{
		"NewClaim": {
			reason: "A new environment's names carry the hash of its claim and region, whatever the XR's random name.",
			xr:     claimXR(t, "gokinjo-x1y2z", "team-a", "gokinjo", dev),
			want:   want,
		},
		"KeepsObservedPrefix": {
			reason: "An existing environment keeps the prefix its nested XRs carry.",
			xr:     claimXR(t, "gokinjo-x1y2z", "team-b", "other", dev),
			observed: map[resource.Name]resource.ObservedComposed{
				compNetwork: observedNested(v1alpha1.KindNetwork, map[string]any{"environment": "dev", "namePrefix": "gokinjo-dev-aaaaaa"}),
			},
			want: "gokinjo-dev-aaaaaa",
		},
		"LegacyEnvironment": {
			reason: "An environment composed before names were unique per claim (its nested XRs carry no prefix) keeps gokinjo-<env>: the upgrade renames nothing.",
			xr:     claimXR(t, "gokinjo-x1y2z", "team-a", "gokinjo", dev),
			observed: map[resource.Name]resource.ObservedComposed{
				compDatabase: observedNested(v1alpha1.KindDatabase, map[string]any{"environment": "dev", "environmentId": "gokinjo-x1y2z"}),
			},
			want: "gokinjo-dev",
		},
		"NoClaim": {
			reason: "An XEnvironment without a claim is identified by its own name.",
			xr: func() *compose.XR {
				x, _ := environmentXR(t, dev, nil)
				return x
			}(),
			want: naming.NewPrefix("dev", naming.Identity{XRName: "gokinjo-abcde", Region: "ap-northeast-1"}),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := clusterName(t, tc.xr, tc.observed); got != tc.want {
				t.Errorf("%s\ncluster name: want %q, got %q", tc.reason, tc.want, got)
			}
		})
	}
}

func TestProviderConfigName(t *testing.T) {
	for name, tc := range map[string]struct {
		value string
		ok    bool
	}{
		"Default":    {"default", true},
		"Dotted":     {"aws.team-a", true},
		"UpperCase":  {"AWS", false},
		"Underscore": {"aws_creds", false},
		"EndsDash":   {"aws-", false},
	} {
		t.Run(name, func(t *testing.T) {
			xr, _ := environmentXR(t, map[string]any{"environment": "dev", "providerConfigName": tc.value}, nil)
			err := (Layer{}).Compose(context.Background(), xr, compose.NewState(nil))
			if tc.ok && err != nil {
				t.Errorf("%q: unexpected error %v", tc.value, err)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "spec.parameters.providerConfigName: ")) {
				t.Errorf("%q: want a refusal naming providerConfigName, got %v", tc.value, err)
			}
		})
	}
}
