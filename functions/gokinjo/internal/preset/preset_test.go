package preset

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func TestResolveNetwork(t *testing.T) {
	no := false
	cases := map[string]struct {
		reason    string
		env       string
		overrides *v1alpha1.NetworkOverrides
		want      v1alpha1.NetworkParameters
	}{
		"DevPreset": {
			reason: "dev shares one NAT gateway; defaults fill the rest.",
			env:    "dev",
			want: v1alpha1.NetworkParameters{CIDR: "10.0.0.0/16", AvailabilityZones: DefaultZones,
				NATGateways: v1alpha1.NATSingle, S3GatewayEndpoint: true, ClusterName: "gokinjo-dev"},
		},
		"ProdPreset": {
			reason: "prod keeps a NAT gateway per zone.",
			env:    "prod",
			want: v1alpha1.NetworkParameters{CIDR: "10.0.0.0/16", AvailabilityZones: DefaultZones,
				NATGateways: v1alpha1.NATOnePerAZ, S3GatewayEndpoint: true, ClusterName: "gokinjo-prod"},
		},
		"Overrides": {
			reason:    "every preset value yields to the claim.",
			env:       "prod",
			overrides: &v1alpha1.NetworkOverrides{CIDR: "172.16.0.0/18", AvailabilityZones: []string{"ap-northeast-1a", "ap-northeast-1c"}, NATGateways: v1alpha1.NATSingle, S3GatewayEndpoint: &no},
			want: v1alpha1.NetworkParameters{CIDR: "172.16.0.0/18", AvailabilityZones: []string{"ap-northeast-1a", "ap-northeast-1c"},
				NATGateways: v1alpha1.NATSingle, S3GatewayEndpoint: false, ClusterName: "gokinjo-prod"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			pre, err := For(tc.env)
			if err != nil {
				t.Fatal(err)
			}
			owner := Owner("x", v1alpha1.EnvironmentParameters{Environment: tc.env})
			tc.want.Owner = owner
			got := ResolveNetwork(owner, pre, v1alpha1.EnvironmentParameters{Network: tc.overrides})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
	if _, err := For("qa"); err == nil {
		t.Error("an unknown environment has no preset")
	}
}
