package workloads

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"

	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// TestAddonValues: the chart values real AWS needs.
func TestAddonValues(t *testing.T) {
	// The autoscaler's image follows the observed cluster minor, from the EKS
	// facts (set here: the cluster layer owns the real table).
	saved := facts.EKS
	t.Cleanup(func() { facts.EKS = saved })
	facts.EKS.Versions = []facts.KubernetesVersion{{Version: "1.34", ClusterAutoscalerImageTag: "v1.34.1"}}
	facts.EKS.DefaultStorageClass = "gp3"

	_, s, _ := converge(t, params("prod", known("prod"), func(p *v1alpha1.WorkloadsParameters) { p.Cluster.Version = "1.34" }))
	get := func(addon, path string) any {
		r := s.Desired()[resource.Name(addonComp(addon))].Resource
		v, err := r.GetValue("spec.forProvider.values." + path)
		if err != nil {
			return nil
		}
		return v
	}
	for path, want := range map[string]any{
		// The chart leaves them unset, which the controller reads as true.
		"enableWaf": false, "enableWafv2": false, "enableShield": false,
	} {
		if got := get(addonLBController, path); got != want {
			t.Errorf("%s values.%s = %v, want %v", addonLBController, path, got, want)
		}
	}
	if got := get(addonClusterAutoscaler, "image.tag"); got != "v1.34.1" {
		t.Errorf("cluster-autoscaler image.tag = %v, want the 1.34 tag from facts", got)
	}
	for addon, path := range map[string]string{
		addonMonitoring + "/prometheus": "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName",
		addonMonitoring + "/grafana":    "grafana.persistence.storageClassName",
		addonAirflow + "/triggerer":     "triggerer.persistence.storageClassName",
	} {
		name := addonMonitoring
		if path[:9] == "triggerer" {
			name = addonAirflow
		}
		if got := get(name, path); got != "gp3" {
			t.Errorf("%s: %s = %v, want the cluster's default StorageClass gp3", addon, path, got)
		}
	}
	if got := get(addonMonitoring, "grafana.adminPassword"); got != "" {
		t.Errorf("grafana.adminPassword = %v, want empty (the chart generates one)", got)
	}
	for path, want := range map[string]any{
		// Else a Fail webhook on every Service creation while the
		// controller is not ready.
		addonLBController + ":enableServiceMutatorWebhook": false,
		// ReadWriteOnce volume: a rolling update's new pod never attaches.
		addonMonitoring + ":grafana.deploymentStrategy.type": "Recreate",
		// The chart's default chown init container runs as root
		// (charts.yaml grafana.initChownData.enabled); fsGroup suffices.
		addonMonitoring + ":grafana.initChownData.enabled": false,
		// EKS's control plane and kube-proxy metrics are out of reach.
		addonMonitoring + ":kubeControllerManager.enabled": false,
		addonMonitoring + ":kubeScheduler.enabled":         false,
		addonMonitoring + ":kubeEtcd.enabled":              false,
		addonMonitoring + ":kubeProxy.enabled":             false,
	} {
		addon, p, _ := strings.Cut(path, ":")
		if got := get(addon, p); got != want {
			t.Errorf("%s values.%s = %v, want %v", addon, p, got, want)
		}
	}
	// The ALB and its security groups carry the cost allocation tags (the
	// budget filters on EnvironmentId).
	if tags, _ := get(addonLBController, "defaultTags").(map[string]any); tags["EnvironmentId"] == nil || len(tags) != len(naming.CostAllocationTags) {
		t.Errorf("%s values.defaultTags = %v, want the cost allocation tags %v", addonLBController, tags, naming.CostAllocationTags)
	}
	// Grafana's root is read-only: /tmp (plugin downloads) is an emptyDir.
	if m, _ := get(addonMonitoring, "grafana.extraEmptyDirMounts").([]any); len(m) != 1 || m[0].(map[string]any)["mountPath"] != "/tmp" {
		t.Errorf("grafana.extraEmptyDirMounts = %v, want an emptyDir on /tmp", m)
	}
	for _, c := range []string{addonLBController, addonClusterAutoscaler, addonMetricsServer, addonMonitoring, addonAirflow} {
		r := s.Desired()[resource.Name(addonComp(c))].Resource
		v, _ := r.GetString("spec.forProvider.chart.version")
		pin, _ := facts.Charts.Charts[c].ForKubernetes("1.34")
		if want := pin.Version; v != want || v == "" {
			t.Errorf("%s chart version %q, want %q from facts charts.yaml", c, v, want)
		}
		// provider-helm retries a failed or pending release only with a
		// rollback limit.
		if l, err := r.GetInteger("spec.rollbackLimit"); err != nil || l != releaseRollbackLimit {
			t.Errorf("%s spec.rollbackLimit = %d (%v), want %d", c, l, err, releaseRollbackLimit)
		}
		// Helm's wait ends before the ClusterAuth token provider-helm holds
		// can expire (a 401 is not retried, and may leave no release record).
		wt, _ := r.GetString("spec.forProvider.waitTimeout")
		if d, err := time.ParseDuration(wt); err != nil || d <= 0 || d >= facts.EKS.ClusterAuth.MinRemaining() {
			t.Errorf("%s waitTimeout %q (%v): want a duration under %s, the least life left in the ClusterAuth token", c, wt, err, facts.EKS.ClusterAuth.MinRemaining())
		}
	}
}

// TestAutoscalerChartFollowsCluster: the autoscaler's chart and image are
// the pins of the cluster's minor (facts), for every offered version; with
// no pin for the version, nothing is composed and the XR says so.
func TestAutoscalerChartFollowsCluster(t *testing.T) {
	for _, v := range append(facts.EKS.Offered(), "1.99", "") {
		t.Run("v"+v, func(t *testing.T) {
			p := params("dev", known("dev"), func(p *v1alpha1.WorkloadsParameters) { p.Cluster.Version = v })
			pin, pinned := facts.Charts.Charts[addonClusterAutoscaler].ForKubernetes(v)
			k, _ := facts.EKS.Version(v)
			if !pinned || k.ClusterAutoscalerImageTag == "" {
				s := composetest.MustRun(t, Layer{}, v1alpha1.KindWorkloads, testXR, p, nil).State
				_, ok := s.Desired()[resource.Name(addonComp(addonClusterAutoscaler))]
				if ok {
					t.Fatalf("Kubernetes %q has no pinned autoscaler chart, yet one is composed", v)
				}
				if w := strings.Join(s.Waiting(), "; "); !strings.Contains(w, "cluster-autoscaler chart") {
					t.Errorf("waits %q, want one for the autoscaler chart", w)
				}
				return
			}
			_, s, _ := converge(t, p)
			d, ok := s.Desired()[resource.Name(addonComp(addonClusterAutoscaler))]
			if !ok {
				t.Fatalf("no autoscaler release for Kubernetes %s", v)
			}
			ver, _ := d.Resource.GetString("spec.forProvider.chart.version")
			tag, _ := d.Resource.GetString("spec.forProvider.values.image.tag")
			if ver != pin.Version || tag != k.ClusterAutoscalerImageTag {
				t.Errorf("chart %s image %s, want chart %s image %s", ver, tag, pin.Version, k.ClusterAutoscalerImageTag)
			}
		})
	}
}

// TestHealthChecks: the frontend (services/web) answers /healthz on 3001;
// each Service names its own ALB health check path, the Ingress none.
func TestHealthChecks(t *testing.T) {
	_, s, _ := converge(t, params("dev", known("dev"), nil))
	m := manifests(s)
	fe := path(m[deploymentComp("frontend")], "spec.template.spec")
	c := fe["containers"].([]any)[0].(map[string]any)
	for _, probe := range []string{"livenessProbe", "readinessProbe"} {
		if got := path(c, probe+".httpGet")["path"]; got != "/healthz" {
			t.Errorf("frontend %s path %v, want /healthz", probe, got)
		}
	}
	if got := path(fe, "securityContext")["runAsUser"]; numTest(got) != 65532 {
		t.Errorf("frontend runs as %v, want 65532", got)
	}
	for _, app := range []string{"api", "frontend"} {
		ann := path(m[serviceComp(app)], "metadata.annotations")
		if ann[albPrefix+"healthcheck-path"] != "/healthz" {
			t.Errorf("%s Service health check annotation %v, want /healthz", app, ann)
		}
	}
	if ann := path(m[compIngress], "metadata.annotations"); ann[albPrefix+"healthcheck-path"] != nil {
		t.Errorf("the Ingress sets an Ingress-wide health check path %v: it would apply to every target group", ann[albPrefix+"healthcheck-path"])
	}
}

// TestPresetSettings: the settings the parameters do not carry come from
// the environment's preset, not from branches on the environment name.
func TestPresetSettings(t *testing.T) {
	saved := preset.Presets[v1alpha1.EnvStaging]
	t.Cleanup(func() { preset.Presets[v1alpha1.EnvStaging] = saved })
	changed := saved
	changed.Workloads.ControllerReplicas, changed.Workloads.LogLevel = 3, "debug"
	changed.Workloads.MetricsRetention, changed.Workloads.MetricsStorage = "14d", "50Gi"
	preset.Presets[v1alpha1.EnvStaging] = changed

	_, s, _ := converge(t, params(v1alpha1.EnvStaging, known(v1alpha1.EnvStaging), nil))
	get := func(addon, path string) any {
		v, err := s.Desired()[resource.Name(addonComp(addon))].Resource.GetValue("spec.forProvider.values." + path)
		if err != nil {
			return nil
		}
		return v
	}
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"LB controller replicaCount", get(addonLBController, "replicaCount"), int64(3)},
		{"metrics-server replicas", get(addonMetricsServer, "replicas"), int64(3)},
		{"Prometheus retention", get(addonMonitoring, "prometheus.prometheusSpec.retention"), "14d"},
		{"Prometheus volume", get(addonMonitoring, "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage"), "50Gi"},
		{"ConfigMap LOG_LEVEL", manifests(s)[compConfig]["data"].(map[string]any)["LOG_LEVEL"], "debug"},
	} {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s = %v, want %v from the preset", c.what, c.got, c.want)
		}
	}
}
