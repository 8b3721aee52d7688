package facts

import (
	"regexp"
	"testing"
)

var chartVersion = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

// TestCharts: every add-on chart the workloads layer installs is pinned to
// an exact version with a source.
func TestCharts(t *testing.T) {
	for _, name := range []string{"aws-load-balancer-controller", "cluster-autoscaler", "metrics-server", "kube-prometheus-stack", "airflow"} {
		c, ok := Charts.Charts[name]
		if !ok {
			t.Errorf("chart %s is not in charts.yaml", name)
			continue
		}
		if !chartVersion.MatchString(c.Version) || c.Repository == "" || c.Chart == "" || c.AppVersion == "" {
			t.Errorf("chart %s: want repository, chart, an exact version and appVersion, got %+v", name, c)
		}
		checkSource(t, "chart "+name, c.Source)
	}
}
