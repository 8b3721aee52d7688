package workloads

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/internal/facts"
)

// Components and names of the monitoring objects.
const (
	compServiceMonitor = "api-servicemonitor"
	compPrometheusRule = "prometheus-rules"
	// dashboardLabel is the label Grafana's sidecar loads dashboards by.
	dashboardLabel = "grafana_dashboard"
	monitoringAPI  = "monitoring.coreos.com/v1"
)

func dashboardComp(name string) string { return "dashboard-" + name }

// storageClass is the cluster's default StorageClass, which the cluster
// layer composes (EKS 1.30+ has none): every volume claim names it, so no
// claim depends on a default being marked.
func storageClass() string { return facts.EKS.DefaultStorageClass }

// monitoring composes the Grafana dashboards, and once kube-prometheus-stack
// is observed ready (its CRDs exist) the API's ServiceMonitor and the alert
// rules.
func (w *workloads) monitoring() error {
	for _, d := range dashboards() {
		b, err := json.Marshal(d.content())
		if err != nil {
			return err
		}
		cm := &corev1.ConfigMap{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: metav1.ObjectMeta{
				Name: "gokinjo-dashboard-" + d.name, Namespace: w.p.Namespace,
				Labels: map[string]string{dashboardLabel: "1"},
			},
			Data: map[string]string{d.name + ".json": string(b)},
		}
		if err := w.object(dashboardComp(d.name), cm, "", reference{DependsOn: w.objectName(compNamespace)}); err != nil {
			return err
		}
	}
	if !w.s.ObservedReady(addonComp(addonMonitoring)) {
		w.s.Wait("kube-prometheus-stack (its ServiceMonitor and PrometheusRule CRDs)")
		return nil
	}
	sm := map[string]any{
		"apiVersion": monitoringAPI,
		"kind":       "ServiceMonitor",
		"metadata":   map[string]any{"name": apiName, "namespace": w.p.Namespace},
		"spec": map[string]any{
			"selector":          map[string]any{"matchLabels": toAny(selector(apiName))},
			"namespaceSelector": map[string]any{"matchNames": []any{w.p.Namespace}},
			"endpoints":         []any{map[string]any{"port": "http", "path": "/metrics", "interval": "30s"}},
		},
	}
	if err := w.objectContent(compServiceMonitor, sm, "", reference{DependsOn: w.objectName(serviceComp("api"))}); err != nil {
		return err
	}
	groups, err := compose.ToContent(map[string]any{"groups": AlertGroups()})
	if err != nil {
		return err
	}
	pr := map[string]any{
		"apiVersion": monitoringAPI,
		"kind":       "PrometheusRule",
		"metadata":   map[string]any{"name": "gokinjo-alerts", "namespace": w.p.Namespace},
		"spec":       groups,
	}
	return w.objectContent(compPrometheusRule, pr, "", reference{DependsOn: w.objectName(compNamespace)})
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// A dashboard is a small Grafana dashboard: one time series panel per
// query.
type dashboard struct {
	name, title string
	panels      []panel
}

type panel struct {
	title, expr, unit string
}

func (d dashboard) content() map[string]any {
	panels := make([]any, 0, len(d.panels))
	for i, p := range d.panels {
		panels = append(panels, map[string]any{
			"id":         i + 1,
			"type":       "timeseries",
			"title":      p.title,
			"datasource": map[string]any{"type": "prometheus", "uid": "prometheus"},
			"gridPos":    map[string]any{"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i / 2) * 8},
			"fieldConfig": map[string]any{
				"defaults":  map[string]any{"unit": p.unit},
				"overrides": []any{},
			},
			"targets": []any{map[string]any{"refId": "A", "expr": p.expr, "legendFormat": "__auto"}},
		})
	}
	return map[string]any{
		"uid":           "gokinjo-" + d.name,
		"title":         d.title,
		"tags":          []any{"gokinjo"},
		"schemaVersion": 39,
		"time":          map[string]any{"from": "now-6h", "to": "now"},
		"refresh":       "1m",
		"panels":        panels,
	}
}

// dashboards are the strategy's four: system overview, application
// performance, database, ETL jobs. They query the metric names of the API
// (services/api/README.md), cAdvisor and kube-state-metrics.
func dashboards() []dashboard {
	ns := `namespace=~"gokinjo-.+"`
	// Airflow's task pods (KubernetesExecutor) are named after their DAG
	// and task: neither the app's (gokinjo-) nor the chart's components
	// and jobs (airflow-, the release name).
	tasks := ns + `, pod!~"gokinjo-.+|airflow-.+"`
	return []dashboard{
		{name: "system-overview", title: "gokinjo / System overview", panels: []panel{
			{"CPU by pod", fmt.Sprintf(`sum by (pod) (rate(container_cpu_usage_seconds_total{%s, container!=""}[5m]))`, ns), "cores"},
			{"Memory by pod", fmt.Sprintf(`sum by (pod) (container_memory_working_set_bytes{%s, container!=""})`, ns), "bytes"},
			// Pending or running only: the pods of completed Jobs stay
			// (earlier migrations) and are never ready.
			{"Pods not ready", fmt.Sprintf(`sum(kube_pod_status_ready{%[1]s, condition="false"} * on (namespace, pod) group_left() (kube_pod_status_phase{%[1]s, phase=~"Pending|Running"} == 1))`, ns), "short"},
			{"Container restarts (1h)", fmt.Sprintf(`sum by (pod) (increase(kube_pod_container_status_restarts_total{%s}[1h]))`, ns), "short"},
		}},
		{name: "application-performance", title: "gokinjo / Application performance", panels: []panel{
			{"Requests per second by route", `sum by (route) (rate(gokinjo_http_requests_total[5m]))`, "reqps"},
			{"Error rate (5xx, user requests)", `sum(rate(gokinjo_http_requests_total{` + userRoutesMatch + `, code=~"5.."}[5m])) / sum(rate(gokinjo_http_requests_total{` + userRoutesMatch + `}[5m]))`, "percentunit"},
			{"p99 latency by route", `histogram_quantile(0.99, sum by (le, route) (rate(gokinjo_http_request_duration_seconds_bucket[5m])))`, "s"},
			{"p50 latency by route", `histogram_quantile(0.5, sum by (le, route) (rate(gokinjo_http_request_duration_seconds_bucket[5m])))`, "s"},
		}},
		{name: "database", title: "gokinjo / Database", panels: []panel{
			{"Pool connections by state", `sum by (state) (gokinjo_db_pool_connections)`, "short"},
			{"Pool saturation", `sum(gokinjo_db_pool_connections{state="in_use"}) / sum(gokinjo_db_pool_connections{state="max"})`, "percentunit"},
			{"Waits for a connection per second", `sum(rate(gokinjo_db_pool_wait_count_total[5m]))`, "short"},
			{"Time waiting for a connection", `sum(rate(gokinjo_db_pool_wait_duration_seconds_total[5m]))`, "s"},
		}},
		{name: "etl-jobs", title: "gokinjo / ETL jobs", panels: []panel{
			{"Airflow task pods by phase", fmt.Sprintf(`sum by (phase) (kube_pod_status_phase{%s})`, tasks), "short"},
			{"Jobs succeeded", fmt.Sprintf(`sum by (job_name) (kube_job_status_succeeded{%s})`, ns), "short"},
			{"Jobs failed", fmt.Sprintf(`sum by (job_name) (kube_job_status_failed{%s})`, ns), "short"},
			{"Airflow task CPU", fmt.Sprintf(`sum by (pod) (rate(container_cpu_usage_seconds_total{%s, container!=""}[5m]))`, tasks), "cores"},
		}},
	}
}
