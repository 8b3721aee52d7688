package facts

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	dateRE       = regexp.MustCompile(`^20\d\d-\d\d-\d\d$`)
	addonRE      = regexp.MustCompile(`^v\d+\.\d+\.\d+-eksbuild\.\d+$`)
	autoscalerRE = regexp.MustCompile(`^v1\.\d+\.\d+$`)
)

func TestEKSSources(t *testing.T) {
	checkSource(t, "eks", EKS.Source)
	checkSource(t, "eks defaultStorageClass", EKS.DefaultStorageClassSource)
	checkSource(t, "eks nodeGroupMaxSize", EKS.NodeGroupMaxSizeSource)
	checkSource(t, "eks nodeGroupScaling", EKS.NodeGroupScaling.Source)
	checkSource(t, "eks addons", EKS.AddonsSource)
	checkSource(t, "eks nodeGroupsMatchBeforeUpgrade", EKS.NodeGroupsMatchBeforeUpgrade)
	checkSource(t, "eks cluster autoscaler", EKS.ClusterAutoscalerSource)
	checkSource(t, "eks nodeLaunchTemplate", EKS.NodeLaunchTemplateSource)
	checkSource(t, "eks clusterAuth", EKS.ClusterAuth.Source)
	// 15 min lifetime, renewed every 10 min, looked at every minute: a
	// token read at any time lives at least 4 more minutes.
	if got := EKS.ClusterAuth.MinRemaining(); got != 4*time.Minute {
		t.Errorf("clusterAuth: a kubeconfig token lives at least %s more, want 4m0s from provider-aws v1.23.0", got)
	}
}

// TestNodeLaunchTemplate: the template tags what a node launch bills (the
// instance and its root volume at least) and sets a root volume.
func TestNodeLaunchTemplate(t *testing.T) {
	lt := EKS.NodeLaunchTemplate
	for _, want := range []string{"instance", "volume"} {
		if !slices.Contains(lt.TagResourceTypes, want) {
			t.Errorf("nodeLaunchTemplate.tagResourceTypes %v lacks %q: its cost would carry no cost allocation tag", lt.TagResourceTypes, want)
		}
	}
	if lt.RootDeviceName == "" || lt.RootVolumeGiB <= 0 || lt.RootVolumeType == "" || lt.MetadataHopLimit < 1 {
		t.Errorf("nodeLaunchTemplate needs a root device, size, type and hop limit: %+v", lt)
	}
	if len(lt.Prohibited) == 0 || len(lt.ProhibitedOnNodeGroup) == 0 {
		t.Errorf("nodeLaunchTemplate lists no prohibited settings: %+v", lt)
	}
}

func TestEKSVersions(t *testing.T) {
	prev := -1
	for _, k := range EKS.Versions {
		m, err := Minor(k.Version)
		if err != nil {
			t.Fatal(err)
		}
		if m != prev+1 && prev >= 0 {
			t.Errorf("versions must be consecutive minors, oldest first: %s follows 1.%d", k.Version, prev)
		}
		prev = m
		if !dateRE.MatchString(k.StandardSupportEnd) || !dateRE.MatchString(k.ExtendedSupportEnd) || k.ExtendedSupportEnd <= k.StandardSupportEnd {
			t.Errorf("%s: support dates %q..%q are not two ordered dates", k.Version, k.StandardSupportEnd, k.ExtendedSupportEnd)
		}
		for name, v := range k.Addons {
			if !slices.Contains([]string{"vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver"}, name) || !addonRE.MatchString(v) {
				t.Errorf("%s: add-on %s=%s is not a known add-on at a vX.Y.Z-eksbuild.N version", k.Version, name, v)
			}
		}
		if kp, ok := k.Addons["kube-proxy"]; ok && !regexp.MustCompile(`^v`+regexp.QuoteMeta(k.Version)+`\.`).MatchString(kp) {
			t.Errorf("%s: kube-proxy %s is not of the cluster minor", k.Version, kp)
		}
	}
	for _, v := range EKS.Offered() {
		k, _ := EKS.Version(v)
		if k.ClusterAutoscalerImageTag == "" || !autoscalerRE.MatchString(k.ClusterAutoscalerImageTag) ||
			k.ClusterAutoscalerImageTag[:len("v"+v)+1] != "v"+v+"." {
			t.Errorf("offered %s: cluster autoscaler tag %q must be a v%s.N release", v, k.ClusterAutoscalerImageTag, v)
		}
	}
}

// The default is in standard support on the check date, so a claim that
// leaves the version out pays no extended-support premium.
func TestEKSDefaultInStandardSupport(t *testing.T) {
	if !slices.Contains(EKS.Standard(), EKS.DefaultVersion) {
		t.Errorf("default %s is not in standard support on %s (standard: %v)", EKS.DefaultVersion, EKS.AsOf(), EKS.Standard())
	}
	if got, want := EKS.Offered(), []string{"1.32", "1.33", "1.34", "1.35"}; !slices.Equal(got, want) {
		t.Errorf("Offered() = %v, want %v (extended support of 1.31 ended 2026-11-26)", got, want)
	}
	if got, want := EKS.Standard(), []string{"1.34", "1.35"}; !slices.Equal(got, want) {
		t.Errorf("Standard() = %v, want %v", got, want)
	}
	if EKS.DefaultStorageClass == "" || EKS.NodeGroupMaxSize < 1 {
		t.Errorf("defaultStorageClass and nodeGroupMaxSize must be set: %+v", EKS)
	}
	if sc := EKS.NodeGroupScaling; strings.Count(sc.MinAboveDesired, "%d") != 2 || sc.DesiredAboveMax == "" {
		t.Errorf("nodeGroupScaling needs minAboveDesired with two %%d (min, desired) and desiredAboveMax: %+v", sc)
	}
}

func TestMinor(t *testing.T) {
	for in, want := range map[string]int{"1.35": 35, "1.9": 9} {
		if got, err := Minor(in); err != nil || got != want {
			t.Errorf("Minor(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"2.1", "1", "1.x", "1.-1", ""} {
		if _, err := Minor(in); err == nil {
			t.Errorf("Minor(%q) accepted", in)
		}
	}
}
