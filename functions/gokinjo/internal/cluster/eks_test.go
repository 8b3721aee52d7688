package cluster

import (
	"context"
	"testing"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// desiredField reads a nested field of a desired resource, failing the test if the
// resource is missing.
func desiredField(t *testing.T, s *compose.State, comp string, path ...string) any {
	t.Helper()
	d, ok := s.Desired()[resource.Name(comp)]
	if !ok {
		t.Fatalf("%s is not composed", comp)
	}
	v, _, _ := unstructured.NestedFieldNoCopy(d.Resource.Object, path...)
	return v
}

func vpcConfig(t *testing.T, s *compose.State) map[string]any {
	t.Helper()
	cfg, _ := desiredField(t, s, compCluster, "spec", "forProvider", "vpcConfig").([]any)
	if len(cfg) != 1 {
		t.Fatalf("vpcConfig = %v", cfg)
	}
	return cfg[0].(map[string]any)
}

func TestClusterUpgradePolicyAndEndpoint(t *testing.T) {
	cases := map[string]struct {
		reason      string
		mod         func(*v1alpha1.ClusterParameters)
		wantSupport string
		wantPublic  bool
		wantCIDRs   any
	}{
		"Defaults": {
			reason:      "By default the cluster is on the default version, STANDARD support (no extended premium), and private-only: no public endpoint, no CIDR list EKS would default to 0.0.0.0/0.",
			wantSupport: "STANDARD", wantPublic: false, wantCIDRs: nil,
		},
		"PublicForListedCIDRs": {
			reason:      "Listing CIDRs turns the public endpoint on for exactly them.",
			mod:         func(p *v1alpha1.ClusterParameters) { p.PublicAccessCIDRs = []string{"203.0.113.0/24"} },
			wantSupport: "STANDARD", wantPublic: true, wantCIDRs: []any{"203.0.113.0/24"},
		},
		"ExtendedOptIn": {
			reason:      "A claim that pays for extended support gets the EXTENDED policy.",
			mod:         func(p *v1alpha1.ClusterParameters) { p.Version, p.SupportType = "1.33", v1alpha1.SupportExtended },
			wantSupport: "EXTENDED", wantPublic: false, wantCIDRs: nil,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, s, _ := converge(t, params(t, "dev", tc.mod))
			up, _ := desiredField(t, s, compCluster, "spec", "forProvider", "upgradePolicy").([]any)
			if len(up) != 1 || up[0].(map[string]any)["supportType"] != tc.wantSupport {
				t.Errorf("%s\nupgradePolicy = %v, want supportType %s", tc.reason, up, tc.wantSupport)
			}
			vc := vpcConfig(t, s)
			if vc["endpointPublicAccess"] != tc.wantPublic || vc["endpointPrivateAccess"] != true {
				t.Errorf("%s\nendpoints: public %v private %v", tc.reason, vc["endpointPublicAccess"], vc["endpointPrivateAccess"])
			}
			if diff := cmp.Diff(tc.wantCIDRs, vc["publicAccessCidrs"]); diff != "" {
				t.Errorf("%s\npublicAccessCidrs: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
	_, s, _ := converge(t, params(t, "dev", nil))
	if got := desiredField(t, s, compCluster, "spec", "forProvider", "version"); got != facts.EKS.DefaultVersion {
		t.Errorf("default version = %v, want %s", got, facts.EKS.DefaultVersion)
	}
}

func TestControlPlaneLogGroup(t *testing.T) {
	s, _ := run(t, params(t, "prod", nil), nil)
	if _, ok := s.Desired()[resource.Name(compCluster)]; ok {
		t.Fatal("the cluster must wait until its log group exists")
	}
	d := s.Desired()[resource.Name(compLogGroup)].Resource
	if got := d.GetAnnotations()[meta.AnnotationKeyExternalName]; got != "/aws/eks/"+params(t, "prod", nil).Name+"/cluster" {
		t.Errorf("log group name = %q, want /aws/eks/<cluster>/cluster", got)
	}
	if got := desiredField(t, s, compLogGroup, "spec", "forProvider", "retentionInDays"); got != float64(90) {
		t.Errorf("prod control-plane log retention = %v, want 90", got)
	}
	dev, _ := run(t, params(t, "dev", nil), nil)
	if got := desiredField(t, dev, compLogGroup, "spec", "forProvider", "retentionInDays"); got != float64(7) {
		t.Errorf("dev control-plane log retention = %v, want 7", got)
	}
}

func TestAddons(t *testing.T) {
	_, s, _ := converge(t, params(t, "prod", nil))
	k, _ := facts.EKS.Version(facts.EKS.DefaultVersion)
	cases := map[string]struct {
		reason      string
		addon       string
		wantVersion any
		wantConfig  any
	}{
		"VPCCNINetworkPolicy": {
			reason: "vpc-cni enforces NetworkPolicies, or the workloads' default-deny does nothing.",
			addon:  addonVPCCNI, wantVersion: nilIfEmpty(k.Addons[addonVPCCNI]), wantConfig: `{"enableNetworkPolicy":"true"}`,
		},
		"EBSCSIDefaultStorageClass": {
			reason: "The EBS CSI add-on creates the default StorageClass (EKS 1.30+ has none) and tags the volumes it creates with the cost allocation tags, so the budget counts them.",
			addon:  addonEBSCSI, wantVersion: nilIfEmpty(k.Addons[addonEBSCSI]),
			wantConfig: `{"controller":{"extraVolumeTags":{"Environment":"prod","EnvironmentId":"gokinjo-prod","ManagedBy":"crossplane","Project":"gokinjo"}},"defaultStorageClass":{"enabled":true}}`,
		},
		"KubeProxyOfTheMinor": {
			reason: "kube-proxy runs the version the facts give for the cluster minor.",
			addon:  addonKubeProxy, wantVersion: k.Addons[addonKubeProxy],
		},
		"CoreDNSOfTheMinor": {
			reason: "CoreDNS runs the version the facts give for the cluster minor.",
			addon:  addonCoreDNS, wantVersion: k.Addons[addonCoreDNS],
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fp := func(f string) any { return desiredField(t, s, addonComponent(tc.addon), "spec", "forProvider", f) }
			if diff := cmp.Diff(tc.wantVersion, fp("addonVersion")); diff != "" {
				t.Errorf("%s\naddonVersion: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.wantConfig, fp("configurationValues")); diff != "" {
				t.Errorf("%s\nconfigurationValues: -want, +got:\n%s", tc.reason, diff)
			}
			// Networking and DNS stay in the cluster until it is deleted,
			// for the controllers that still work while it goes; the EBS
			// CSI add-on is ordered by Usages instead.
			var wantPreserve any = true
			if tc.addon == addonEBSCSI {
				wantPreserve = nil
			}
			if got := fp("preserve"); got != wantPreserve {
				t.Errorf("%s\npreserve = %v, want %v", tc.reason, got, wantPreserve)
			}
		})
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func TestGravitonNodeGroup(t *testing.T) {
	_, s, _ := converge(t, params(t, "prod", func(p *v1alpha1.ClusterParameters) { p.NodeGroups[1].InstanceType = "c7g.xlarge" }))
	if got := desiredField(t, s, nodeGroupComponent("compute"), "spec", "forProvider", "amiType"); got != "AL2023_ARM_64_STANDARD" {
		t.Errorf("Graviton node group amiType = %v, want AL2023_ARM_64_STANDARD", got)
	}
	if got := desiredField(t, s, nodeGroupComponent("general"), "spec", "forProvider", "amiType"); got != "AL2023_x86_64_STANDARD" {
		t.Errorf("x86 node group amiType = %v, want AL2023_x86_64_STANDARD", got)
	}
}

// observedAt returns the converged observed state with the EKS cluster
// reporting version running.
func observedAt(t *testing.T, p v1alpha1.ClusterParameters, running string) map[resource.Name]resource.ObservedComposed {
	t.Helper()
	_, s, _ := converge(t, p)
	obs := composetest.Observe(t, testXR, s)
	cl := obs[resource.Name(compCluster)].Resource
	if err := unstructured.SetNestedField(cl.Object, running, "status", "atProvider", "version"); err != nil {
		t.Fatal(err)
	}
	return obs
}

func TestVersionChanges(t *testing.T) {
	extended := func(v string) func(*v1alpha1.ClusterParameters) {
		return func(p *v1alpha1.ClusterParameters) { p.Version, p.SupportType = v, v1alpha1.SupportExtended }
	}
	cases := map[string]struct {
		reason       string
		running      string
		nodesRunning string // the node groups' reported version, if not running
		asked        func(*v1alpha1.ClusterParameters)
		wantErr      string
		wantCluster  string
		wantNodes    string
		wantKubeProx string
	}{
		"OneMinorUp": {
			reason:  "One minor up is composed on the control plane; node groups and add-ons stay on the running minor until AWS reports the upgrade.",
			running: "1.34", asked: nil,
			wantCluster: "1.35", wantNodes: "1.34", wantKubeProx: "v1.34.6-eksbuild.2",
		},
		"UpgradeDone": {
			reason:  "Once the control plane reports the new minor, node groups and add-ons follow.",
			running: "1.35", asked: nil,
			wantCluster: "1.35", wantNodes: "1.35", wantKubeProx: "v1.35.3-eksbuild.2",
		},
		"TwoMinorsUp": {
			reason:  "Two minors up (a package upgrade moved the default) steps one minor: the next one is composed now, the asked one after AWS reports it, with no manual step.",
			running: "1.33", asked: nil,
			wantCluster: "1.34", wantNodes: "1.33", wantKubeProx: "v1.33.10-eksbuild.2",
		},
		"StepWaitsForNodes": {
			reason:  "Two minors up with the control plane one step ahead of the node groups: the next step waits until they run its version (EKS refuses UpdateClusterVersion before).",
			running: "1.34", nodesRunning: "1.33", asked: nil,
			wantCluster: "1.34", wantNodes: "1.34", wantKubeProx: "v1.34.6-eksbuild.2",
		},
		"NeverDowngrade": {
			reason:  "An older asked version (EKS auto-upgraded the cluster at the end of standard support) keeps the running one: EKS cannot downgrade.",
			running: "1.35", asked: func(p *v1alpha1.ClusterParameters) { p.Version = "1.34" },
			wantCluster: "1.35", wantNodes: "1.35", wantKubeProx: "v1.35.3-eksbuild.2",
		},
		"ExtendedStays": {
			reason:  "An extended-support cluster on its version is composed as it runs.",
			running: "1.33", asked: extended("1.33"),
			wantCluster: "1.33", wantNodes: "1.33", wantKubeProx: "v1.33.10-eksbuild.2",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := params(t, "prod", tc.asked)
			// The first converge creates everything at the running version.
			start := params(t, "prod", extended(tc.running))
			obs := observedAt(t, start, tc.running)
			if tc.nodesRunning != "" {
				for _, ng := range []string{"general", "compute"} {
					u := obs[resource.Name(nodeGroupComponent(ng))].Resource
					if err := unstructured.SetNestedField(u.Object, tc.nodesRunning, "status", "atProvider", "version"); err != nil {
						t.Fatal(err)
					}
				}
			}
			xr, _ := newXR(t, p)
			s := compose.NewState(obs)
			err := (Layer{}).Compose(context.Background(), xr, s)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.wantErr, got); diff != "" {
				t.Fatalf("%s\nCompose() error: -want, +got:\n%s", tc.reason, diff)
			}
			if err != nil {
				return
			}
			if v := desiredField(t, s, compCluster, "spec", "forProvider", "version"); v != tc.wantCluster {
				t.Errorf("%s\ncontrol plane version = %v, want %s", tc.reason, v, tc.wantCluster)
			}
			for _, ng := range []string{"general", "compute"} {
				if v := desiredField(t, s, nodeGroupComponent(ng), "spec", "forProvider", "version"); v != tc.wantNodes {
					t.Errorf("%s\nnode group %s version = %v, want %s", tc.reason, ng, v, tc.wantNodes)
				}
			}
			if v := desiredField(t, s, addonComponent(addonKubeProxy), "spec", "forProvider", "addonVersion"); v != tc.wantKubeProx {
				t.Errorf("%s\nkube-proxy = %v, want %s", tc.reason, v, tc.wantKubeProx)
			}
		})
	}
}
