package facts

import (
	"regexp"
	"strings"
	"testing"
)

var chartVersion = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

// TestCharts: every add-on chart the workloads layer installs is pinned to
// an exact version with a source, once or per Kubernetes minor.
func TestCharts(t *testing.T) {
	for _, name := range []string{"aws-load-balancer-controller", "cluster-autoscaler", "metrics-server", "kube-prometheus-stack", "airflow"} {
		c, ok := Charts.Charts[name]
		if !ok {
			t.Errorf("chart %s is not in charts.yaml", name)
			continue
		}
		checkSource(t, "chart "+name, c.Source)
		pins := map[string]Chart{"": c}
		if len(c.ByKubernetesVersion) > 0 {
			if c.Version != "" || c.AppVersion != "" {
				t.Errorf("chart %s: pinned per Kubernetes minor, so no chart-wide version (got %s/%s)", name, c.Version, c.AppVersion)
			}
			pins = c.ByKubernetesVersion
		}
		for k, p := range pins {
			if !chartVersion.MatchString(p.Version) || c.Repository == "" || c.Chart == "" || p.AppVersion == "" {
				t.Errorf("chart %s %s: want repository, chart, an exact version and appVersion, got %+v", name, k, p)
			}
			if k != "" {
				checkSource(t, "chart "+name+" "+k, p.Source)
			}
		}
	}
}

// TestAutoscalerChartPerMinor: for every offered EKS version there is a
// cluster-autoscaler chart whose appVersion has the cluster's minor, as the
// image tag (eks.yaml) has: a chart grants the RBAC its own minor's
// autoscaler needs (1.35 locks dynamic resource allocation on and blocks
// until it can list resource.k8s.io kinds, which charts before 9.54.0 do
// not allow).
func TestAutoscalerChartPerMinor(t *testing.T) {
	ca := Charts.Charts["cluster-autoscaler"]
	dra := ca.DynamicResourceAllocation
	if dra == nil || dra.FromImageMinor == 0 || !chartVersion.MatchString(dra.RBACFromChart) {
		t.Fatalf("cluster-autoscaler: dynamicResourceAllocation must name an image minor and a chart version, got %+v", dra)
	}
	checkSource(t, "cluster-autoscaler dynamicResourceAllocation", dra.Source)
	for _, v := range EKS.Offered() {
		c, ok := ca.ForKubernetes(v)
		if !ok {
			t.Errorf("EKS %s: no cluster-autoscaler chart pinned for it", v)
			continue
		}
		k, _ := EKS.Version(v)
		if !strings.HasPrefix(c.AppVersion, v+".") {
			t.Errorf("EKS %s: cluster-autoscaler chart %s has appVersion %s, not of the cluster minor", v, c.Version, c.AppVersion)
		}
		if !strings.HasPrefix(k.ClusterAutoscalerImageTag, "v"+v+".") {
			t.Errorf("EKS %s: autoscaler image %s is not of the cluster minor", v, k.ClusterAutoscalerImageTag)
		}
		if tag, _ := c.Defaults["image.tag"].(string); !strings.HasPrefix(tag, "v"+v+".") {
			t.Errorf("EKS %s: chart %s default image.tag %q is not of the minor", v, c.Version, tag)
		}
		if m, _ := Minor(v); m >= dra.FromImageMinor && CompareVersions(c.Version, dra.RBACFromChart) < 0 {
			t.Errorf("EKS %s: chart %s lacks the resource.k8s.io RBAC (from %s)", v, c.Version, dra.RBACFromChart)
		}
		if got := ca.At(c.Version); got.Version != c.Version || got.AppVersion != c.AppVersion {
			t.Errorf("At(%s) = %s/%s", c.Version, got.Version, got.AppVersion)
		}
	}
}
