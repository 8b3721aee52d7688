package cluster

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
)

// TestSequencing walks the lifecycle with the AWS simulator: references are
// composed at once, what needs an observed value waits for it.
func TestSequencing(t *testing.T) {
	rounds, s, dxr := converge(t, params(t, "prod", nil))
	firstRound := func(comp string) int {
		for i, names := range rounds {
			if slices.Contains(names, comp) {
				return i
			}
		}
		return -1
	}
	cases := map[string]struct {
		reason string
		comp   string
		want   int
	}{
		"KMSKeyFirst":       {reason: "The secrets key comes on the first reconcile.", comp: compKMSKey, want: 0},
		"RolesFirst":        {reason: "IAM roles of the cluster and nodes come on the first reconcile.", comp: compNodeRole, want: 0},
		"LogGroupFirst":     {reason: "The control-plane log group comes first, so EKS never creates it without retention.", comp: compLogGroup, want: 0},
		"ClusterAfterKey":   {reason: "The cluster waits for the key's ARN (encryption config takes no reference) and its log group.", comp: compCluster, want: 1},
		"LaunchTemplates":   {reason: "Node launch templates need nothing observed: first reconcile, so the node groups find their id and version.", comp: launchTemplateComponent("general"), want: 0},
		"NodeGroups":        {reason: "Node groups come with the cluster.", comp: nodeGroupComponent("general"), want: 1},
		"OIDCAfterCluster":  {reason: "The OIDC provider waits for the observed ready cluster's issuer.", comp: compOIDCProvider, want: 2},
		"AuthAfterCluster":  {reason: "ClusterAuth waits for the cluster to be ready.", comp: compClusterAuth, want: 2},
		"ProviderConfigs":   {reason: "ProviderConfigs come with ClusterAuth.", comp: compHelmProvider, want: 2},
		"CoreDNSAfterNodes": {reason: "CoreDNS waits for nodes.", comp: addonComponent(addonCoreDNS), want: 2},
		"IRSAAfterOIDC":     {reason: "IRSA roles wait for the OIDC provider's ARN.", comp: irsaComponent(saAirflowWorker), want: 3},
		"EBSCSIAfterIRSA":   {reason: "The EBS CSI add-on waits for its IRSA role.", comp: addonComponent(addonEBSCSI), want: 3},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := firstRound(tc.comp); got != tc.want {
				t.Errorf("%s\n%s first composed in round %d, want %d", tc.reason, tc.comp, got, tc.want)
			}
		})
	}

	t.Run("Status", func(t *testing.T) {
		want := map[string]any{
			"endpoint":               s.ObservedString(compCluster, "status.atProvider.endpoint"),
			"oidcIssuer":             s.ObservedString(compCluster, "status.atProvider.identity[0].oidc[0].issuer"),
			"clusterSecurityGroupId": s.ObservedString(compCluster, "status.atProvider.vpcConfig[0].clusterSecurityGroupId"),
			"kubeconfigSecret":       map[string]any{"name": "gokinjo-prod-kubeconfig", "namespace": "crossplane-system", "key": "kubeconfig"},
			"providerConfigName":     "gokinjo-prod",
		}
		got := map[string]any{}
		for k := range want {
			v, err := dxr.GetValue("status." + k)
			if err != nil {
				t.Fatalf("status.%s: %v", k, err)
			}
			got[k] = v
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("XCluster status: -want, +got:\n%s", diff)
		}
		for k, v := range want {
			if s, ok := v.(string); ok && s == "" {
				t.Errorf("status.%s is empty", k)
			}
		}
	})
}

// TestWaiting: the XR is held not ready while parts of the layer wait for
// observed values, and released once everything is composed.
func TestWaiting(t *testing.T) {
	p := params(t, "dev", nil)
	xr, _ := newXR(t, p)
	first := compose.NewState(nil)
	if err := (Layer{}).Compose(context.Background(), xr, first); err != nil {
		t.Fatal(err)
	}
	want := []string{compCluster, addonComponent(addonCoreDNS), addonComponent(addonEBSCSI), compOIDCProvider, irsaComponent(saEBSCSI), compClusterAuth}
	if diff := cmp.Diff(want, first.Waiting()); diff != "" {
		t.Errorf("first reconcile Waiting(): -want, +got:\n%s", diff)
	}

	_, s, _ := converge(t, p)
	observed := s.Observed
	xr, _ = newXR(t, p)
	converged := compose.NewState(observed)
	if err := (Layer{}).Compose(context.Background(), xr, converged); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string(nil), converged.Waiting()); diff != "" {
		t.Errorf("converged Waiting(): -want, +got:\n%s", diff)
	}
}
