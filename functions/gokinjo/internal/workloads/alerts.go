package workloads

import (
	"bytes"

	"sigs.k8s.io/yaml"
)

// The alert rules of the strategy (CPU > 80 %, memory > 90 %, error rate
// > 5 %, response time > 2 s). This is their one source: the composed
// PrometheusRule and testdata/alerts.yaml (the Prometheus rule file that
// promtool tests) are both generated from AlertGroups.

// A Rule is one Prometheus alerting rule.
type Rule struct {
	Alert       string            `json:"alert"`
	Expr        string            `json:"expr"`
	For         string            `json:"for,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// A RuleGroup is a group of rules evaluated together.
type RuleGroup struct {
	Name  string `json:"name"`
	Rules []Rule `json:"rules"`
}

// Alert thresholds.
const (
	cpuAlertRatio    = "0.8"
	memoryAlertRatio = "0.9"
	errorAlertRatio  = "0.05"
	latencyAlertP99  = "2"
	// The app's own containers: Airflow's task pods share the namespace
	// and may use their whole CPU limit for minutes by design.
	appContainersMatch = `namespace=~"gokinjo-.+", container=~"api|frontend"`
	// User requests: the /v1 API. Kubelet probes, the ALB's health checks
	// and scrapes (about 0.5 requests/s per pod, all 2xx and fast) would
	// dilute the error ratio and the p99 below their thresholds at low
	// traffic.
	userRoutesMatch = `route=~"/v1/.+"`
)

// AlertGroups are the gokinjo alert rules. Container usage is measured
// against the container's limit (every gokinjo container has one):
// cAdvisor's usage over kube-state-metrics' limits, for the API and the
// frontend. The API's rates count user requests only.
func AlertGroups() []RuleGroup {
	return []RuleGroup{
		{Name: "gokinjo-resources", Rules: []Rule{
			{
				Alert: "GokinjoHighCPU",
				Expr: `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{` + appContainersMatch + `}[5m]))` +
					"\n  / sum by (namespace, pod, container) (kube_pod_container_resource_limits{" + appContainersMatch + `, resource="cpu"})` +
					"\n  > " + cpuAlertRatio,
				For:    "5m",
				Labels: map[string]string{"severity": "warning"},
				Annotations: map[string]string{
					"summary":     "Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }} uses more than 80% of its CPU limit",
					"description": "CPU usage has been above 80% of the container's limit for 5 minutes: raise the limit or scale out.",
				},
			},
			{
				Alert: "GokinjoHighMemory",
				Expr: `sum by (namespace, pod, container) (container_memory_working_set_bytes{` + appContainersMatch + `})` +
					"\n  / sum by (namespace, pod, container) (kube_pod_container_resource_limits{" + appContainersMatch + `, resource="memory"})` +
					"\n  > " + memoryAlertRatio,
				For:    "5m",
				Labels: map[string]string{"severity": "warning"},
				Annotations: map[string]string{
					"summary":     "Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }} uses more than 90% of its memory limit",
					"description": "The working set has been above 90% of the container's limit for 5 minutes: it is OOM-killed at 100%.",
				},
			},
		}},
		{Name: "gokinjo-api", Rules: []Rule{
			{
				Alert: "GokinjoHighErrorRate",
				Expr: `sum(rate(gokinjo_http_requests_total{` + userRoutesMatch + `, code=~"5.."}[5m]))` +
					"\n  / sum(rate(gokinjo_http_requests_total{" + userRoutesMatch + "}[5m]))" +
					"\n  > " + errorAlertRatio,
				For:    "5m",
				Labels: map[string]string{"severity": "critical"},
				Annotations: map[string]string{
					"summary":     "The gokinjo API answers more than 5% of requests with a 5xx",
					"description": "More than 5% of API requests have failed for 5 minutes: check the API logs and the database.",
				},
			},
			{
				Alert: "GokinjoSlowResponses",
				Expr: "histogram_quantile(0.99, sum by (le) (rate(gokinjo_http_request_duration_seconds_bucket{" + userRoutesMatch + "}[5m])))" +
					"\n  > " + latencyAlertP99,
				For:    "5m",
				Labels: map[string]string{"severity": "warning"},
				Annotations: map[string]string{
					"summary":     "The gokinjo API's p99 response time is above 2 seconds",
					"description": "The 99th percentile of API response times has been above 2 seconds for 5 minutes.",
				},
			},
		}},
	}
}

// RuleFile is the alert rules in the Prometheus rule file format.
func RuleFile() ([]byte, error) {
	b, err := yaml.Marshal(map[string]any{"groups": AlertGroups()})
	if err != nil {
		return nil, err
	}
	header := []byte("# Generated from functions/gokinjo/internal/workloads/alerts.go: do not edit.\n" +
		"# Regenerate: go test ./functions/gokinjo/internal/workloads -run TestAlertFile -update\n")
	return append(header, bytes.TrimLeft(b, "\n")...), nil
}
