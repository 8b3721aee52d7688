package workloads

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/internal/facts"
)

// grafanaGiB is Grafana's volume. The cost model prices it (Volumes), so
// the size lives here once; Prometheus's is the preset's MetricsStorage.
const grafanaGiB = 10

func gi(n int) string { return fmt.Sprintf("%dGi", n) }

// gib is a quantity in GiB. The presets and facts are embedded: gib runs at
// start, where a bad one fails every test.
func gib(what, size string) float64 {
	q, err := resource.ParseQuantity(size)
	if err != nil {
		panic(fmt.Sprintf("%s %q: %v", what, size, err))
	}
	return float64(q.Value()) / (1 << 30)
}

// triggererGiB is the Airflow triggerer's log volume at the chart's default
// size.
var triggererGiB = func() float64 {
	size, _ := facts.Charts.Charts["airflow"].Defaults["triggerer.persistence.size"].(string)
	return gib("facts: charts.yaml airflow triggerer.persistence.size", size)
}()

// prometheusGiB is each preset's Prometheus volume (its MetricsStorage),
// parsed at start so that a bad preset fails every test.
var prometheusGiB = func() map[string]float64 {
	m := map[string]float64{}
	for env, pre := range preset.Presets {
		m[env] = gib("preset "+env+" MetricsStorage", pre.Workloads.MetricsStorage)
	}
	return m
}()

// Volumes are the persistent volumes the workloads of an environment claim,
// name to GiB: Prometheus, Grafana, and the Airflow triggerer's log volume.
func Volumes(env string) map[string]float64 {
	return map[string]float64{
		"prometheus":        prometheusGiB[env],
		"grafana":           grafanaGiB,
		"airflow-triggerer": triggererGiB,
	}
}
