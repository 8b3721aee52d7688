package workloads

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/gokinjo/platform/internal/facts"
)

// Persistent volumes the charts claim, in GiB. The cost model prices them
// (Volumes), so the sizes live here once.
const (
	prometheusGiB     = 20
	prometheusProdGiB = 100
	grafanaGiB        = 10
)

// prometheusStorageGiB is Prometheus's volume: prod keeps 30 days of
// metrics, the others 7.
func prometheusStorageGiB(env string) int {
	if env == "prod" {
		return prometheusProdGiB
	}
	return prometheusGiB
}

func gi(n int) string { return fmt.Sprintf("%dGi", n) }

// triggererGiB is the Airflow triggerer's log volume at the chart's default
// size; the facts are embedded, so a missing one fails every test at start.
var triggererGiB = func() float64 {
	size, _ := facts.Charts.Charts["airflow"].Defaults["triggerer.persistence.size"].(string)
	q, err := resource.ParseQuantity(size)
	if err != nil {
		panic(fmt.Sprintf("facts: charts.yaml airflow triggerer.persistence.size %q: %v", size, err))
	}
	return float64(q.Value()) / (1 << 30)
}()

// Volumes are the persistent volumes the workloads of an environment claim,
// name to GiB: Prometheus, Grafana, and the Airflow triggerer's log volume.
func Volumes(env string) map[string]float64 {
	return map[string]float64{
		"prometheus":        float64(prometheusStorageGiB(env)),
		"grafana":           grafanaGiB,
		"airflow-triggerer": triggererGiB,
	}
}
