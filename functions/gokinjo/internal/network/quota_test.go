package network

import (
	"testing"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// TestElasticIPQuota: each NAT gateway takes an Elastic IP, and the three
// presets in one account and region take the whole default quota (dev 1,
// staging 1, prod 3 of 5, docs/network-layer.md). A preset taking more
// would make the last environment's NAT gateway fail AddressLimitExceeded
// unless the quota is raised first: change the docs with it.
func TestElasticIPQuota(t *testing.T) {
	total := 0
	for _, env := range []string{"dev", "staging", "prod"} {
		pre, err := preset.For(env)
		if err != nil {
			t.Fatal(err)
		}
		p := preset.ResolveNetwork(preset.Owner("gokinjo-abcde", v1alpha1.EnvironmentParameters{Environment: env}), pre, v1alpha1.EnvironmentParameters{})
		total += len((&network{p: p}).natZones())
	}
	quota := facts.Limits.Quotas["elasticIPsPerRegion"].Default
	if total != 5 || total > quota {
		t.Errorf("the three presets take %d Elastic IPs of the default quota of %d; docs/network-layer.md says 5 of 5", total, quota)
	}
}

// TestVPCQuota: each preset composes one VPC and one internet gateway
// (whose quota follows the VPC quota), so the three environments and the
// account's default VPC take 4 of the default 5 per region: one is left,
// which a prod environment deleted with retention (its VPC is kept) takes
// (docs/network-layer.md).
func TestVPCQuota(t *testing.T) {
	vpcs := 1 // The account's default VPC.
	for _, env := range []string{"dev", "staging", "prod"} {
		pre, err := preset.For(env)
		if err != nil {
			t.Fatal(err)
		}
		p := preset.ResolveNetwork(preset.Owner("gokinjo-abcde", v1alpha1.EnvironmentParameters{Environment: env}), pre, v1alpha1.EnvironmentParameters{})
		s := composetest.MustRun(t, Layer{}, v1alpha1.KindNetwork, xrName, p, nil).State
		kinds := map[string]int{}
		for _, d := range s.Desired() {
			kinds[d.Resource.GetKind()]++
		}
		if kinds["VPC"] != 1 || kinds["InternetGateway"] != 1 {
			t.Errorf("%s composes %d VPCs and %d internet gateways, want one each", env, kinds["VPC"], kinds["InternetGateway"])
		}
		vpcs += kinds["VPC"]
	}
	if quota := facts.Limits.Quotas["vpcsPerRegion"].Default; vpcs != 4 || vpcs > quota {
		t.Errorf("the three presets and the default VPC take %d VPCs of the default quota of %d; docs/network-layer.md says 4 of 5", vpcs, quota)
	}
}
