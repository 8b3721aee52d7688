package workloads

import (
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/internal/facts"
)

// Add-ons, each a pinned Helm chart. Pins are chart versions (the app
// version each chart ships is in docs/workloads-layer.md); bump them here
// deliberately, one at a time.
const (
	addonLBController      = "aws-load-balancer-controller"
	addonClusterAutoscaler = "cluster-autoscaler"
	addonMetricsServer     = "metrics-server"
	addonMonitoring        = "kube-prometheus-stack"
	addonAirflow           = "airflow"

	// MonitoringNamespace holds Prometheus, Alertmanager and Grafana.
	MonitoringNamespace = "monitoring"
	kubeSystem          = "kube-system"

	// Airflow's service accounts (their IRSA roles come from the cluster
	// layer) and the node group its workers run on.
	airflowWorkerSA    = "airflow-worker"
	airflowSchedulerSA = "airflow-scheduler"
	airflowUID         = 50000

	// compAirflowMetadata is the Secret of Airflow's metadata connection.
	compAirflowMetadata   = "airflow-metadata-secret"
	airflowMetadataSecret = "airflow-metadata"
)

// chartOf is the pinned chart of an add-on, from facts data/charts.yaml.
func chartOf(addon string) chart {
	return chartAt(facts.Charts.Charts[addon])
}

func chartAt(c facts.Chart) chart {
	return chart{Name: c.Chart, Repository: c.Repository, Version: c.Version}
}

func addonComp(name string) string { return "addon-" + name }

// addons composes the add-on releases, each once what it needs is
// observed: the IRSA roles of the controllers and of Airflow, and for
// Airflow its metadata database.
func (w *workloads) addons() error {
	for _, a := range []struct {
		name, namespace string
		values          func() (release, bool)
	}{
		{addonMetricsServer, kubeSystem, w.metricsServerValues},
		{addonLBController, kubeSystem, w.lbControllerValues},
		{addonClusterAutoscaler, kubeSystem, w.clusterAutoscalerValues},
		{addonMonitoring, MonitoringNamespace, w.monitoringValues},
		{addonAirflow, w.p.Namespace, w.airflowValues},
	} {
		r, ok := a.values()
		if !ok {
			continue
		}
		c := r.Chart
		if c.Version == "" {
			c = chartOf(a.name)
		}
		if err := w.helmRelease(addonComp(a.name), a.name, c, a.namespace, r); err != nil {
			return err
		}
	}
	return nil
}

// waitFor records that an add-on waits for an observed value: it has no
// release yet.
func (w *workloads) waitFor(what string) (release, bool) {
	w.s.Wait(what)
	return release{}, false
}

// serviceAccount values: a chart-created service account bound to an IRSA
// role.
func serviceAccount(name, arn string) map[string]any {
	return map[string]any{"create": true, "name": name, "annotations": map[string]any{irsaAnnotation: arn}}
}

func (w *workloads) metricsServerValues() (release, bool) {
	return release{Values: map[string]any{
		"replicas":           w.controllerReplicas(),
		"podSecurityContext": helmPodSecurity(),
		"securityContext":    helmContainerSecurity(),
		"resources":          helmResources("50m", "64Mi", "200m", "256Mi"),
	}}, true
}

// controllerReplicas of the load balancer controller and metrics server,
// from the environment's preset.
func (w *workloads) controllerReplicas() int { return w.pre.ControllerReplicas }

func (w *workloads) lbControllerValues() (release, bool) {
	arn := w.roleARN(kubeSystem, addonLBController)
	if arn == "" {
		return w.waitFor("the IRSA role of " + kubeSystem + "/" + addonLBController)
	}
	v := map[string]any{
		"clusterName":    w.p.ClusterName,
		"region":         w.p.Region,
		"replicaCount":   w.controllerReplicas(),
		"serviceAccount": serviceAccount(addonLBController, arn),
		// The chart leaves these unset, which the controller reads as true:
		// it would then call the WAF, WAFv2 and Shield APIs for every ALB.
		"enableShield": false,
		"enableWaf":    false,
		"enableWafv2":  false,
		// The chart's default (true) registers a mutating webhook with
		// failurePolicy Fail on the creation of every Service in the cluster
		// (it only matters for Services of type LoadBalancer, which the
		// platform has none of): while the controller is not ready, every
		// Service creation fails, the other charts' included.
		"enableServiceMutatorWebhook": false,
		// The ALB, its target groups and security groups carry the cost
		// allocation tags, so the budget sees their spend.
		"defaultTags":        naming.CostTags(w.p.Owner),
		"podSecurityContext": helmPodSecurity(),
		"securityContext":    helmContainerSecurity(),
		"resources":          helmResources("100m", "128Mi", "500m", "512Mi"),
	}
	if w.p.VPCID != "" {
		v["vpcId"] = w.p.VPCID
	}
	return release{Values: v}, true
}

// clusterAutoscalerValues: the chart and the image follow the cluster's
// Kubernetes minor (facts charts.yaml byKubernetesVersion, eks.yaml
// clusterAutoscalerImageTag): the autoscaler requires its minor to match the
// cluster's, and each chart's ClusterRole grants what its own minor's
// autoscaler reads (1.35 blocks at start without the resource.k8s.io RBAC
// that charts before 9.54.0 lack).
func (w *workloads) clusterAutoscalerValues() (release, bool) {
	arn := w.roleARN(kubeSystem, addonClusterAutoscaler)
	if arn == "" {
		return w.waitFor("the IRSA role of " + kubeSystem + "/" + addonClusterAutoscaler)
	}
	ver := w.p.Cluster.Version
	k, ok := facts.EKS.Version(ver)
	c, cok := facts.Charts.Charts[addonClusterAutoscaler].ForKubernetes(ver)
	if !ok || !cok || k.ClusterAutoscalerImageTag == "" {
		return w.waitFor("a cluster-autoscaler chart and image for the cluster's Kubernetes version " + strconv.Quote(ver) + " (facts charts.yaml, eks.yaml)")
	}
	v := map[string]any{
		"autoDiscovery": map[string]any{"clusterName": w.p.ClusterName},
		"awsRegion":     w.p.Region,
		"image":         map[string]any{"tag": k.ClusterAutoscalerImageTag},
		"rbac": map[string]any{
			"create":         true,
			"serviceAccount": serviceAccount(addonClusterAutoscaler, arn),
		},
		"extraArgs": map[string]any{
			"balance-similar-node-groups":   true,
			"skip-nodes-with-system-pods":   false,
			"expander":                      "least-waste",
			"scale-down-unneeded-time":      "10m",
			"skip-nodes-with-local-storage": false,
		},
		"securityContext":          helmPodSecurity(),
		"containerSecurityContext": helmContainerSecurity(),
		"resources":                helmResources("100m", "300Mi", "500m", "600Mi"),
	}
	return release{Values: v, Chart: chartAt(c)}, true
}

// monitoringValues install Prometheus, Alertmanager and Grafana. Prometheus
// selects every ServiceMonitor and PrometheusRule (not only the chart's);
// Grafana's sidecar loads every ConfigMap labelled grafana_dashboard=1.
func (w *workloads) monitoringValues() (release, bool) {
	retention, storage := w.pre.MetricsRetention, w.pre.MetricsStorage
	podSec := helmPodSecurity()
	podSec["runAsUser"], podSec["runAsGroup"], podSec["fsGroup"] = 1000, 2000, 2000
	grafanaPod := helmPodSecurity()
	grafanaPod["runAsUser"], grafanaPod["runAsGroup"], grafanaPod["fsGroup"] = 472, 472, 472
	return release{Values: map[string]any{
		"prometheus": map[string]any{"prometheusSpec": map[string]any{
			"serviceMonitorSelectorNilUsesHelmValues": false,
			"ruleSelectorNilUsesHelmValues":           false,
			"podMonitorSelectorNilUsesHelmValues":     false,
			"retention":                               retention,
			"securityContext":                         podSec,
			"resources":                               helmResources("500m", "2Gi", "2", "4Gi"),
			"storageSpec": map[string]any{"volumeClaimTemplate": map[string]any{"spec": map[string]any{
				"storageClassName": storageClass(),
				"accessModes":      []any{"ReadWriteOnce"},
				"resources":        map[string]any{"requests": map[string]any{"storage": storage}},
			}}},
		}},
		"alertmanager": map[string]any{"alertmanagerSpec": map[string]any{
			"securityContext": podSec,
			"resources":       helmResources("50m", "64Mi", "200m", "256Mi"),
		}},
		// EKS runs the control plane out of reach: the controller manager,
		// scheduler and etcd have no pods or endpoints in the cluster, and
		// the kube-proxy add-on serves its metrics on 127.0.0.1 only. The
		// chart's ServiceMonitors for them would never scrape and their
		// *Down and TargetDown alerts would fire forever; enabled: false
		// drops the Services, ServiceMonitors and alert rules.
		"kubeControllerManager": map[string]any{"enabled": false},
		"kubeScheduler":         map[string]any{"enabled": false},
		"kubeEtcd":              map[string]any{"enabled": false},
		"kubeProxy":             map[string]any{"enabled": false},
		"prometheusOperator": map[string]any{
			"securityContext":          helmPodSecurity(),
			"containerSecurityContext": helmContainerSecurity(),
			"resources":                helmResources("100m", "128Mi", "500m", "512Mi"),
		},
		// adminPassword "" (never the chart's old prom-operator): the
		// Grafana chart then generates a random 40-character password into
		// its Secret (kube-prometheus-stack-grafana, key admin-password) and
		// keeps it on upgrades (Helm lookup against the live cluster).
		"grafana": map[string]any{
			"adminPassword": "",
			"persistence":   map[string]any{"enabled": true, "storageClassName": storageClass(), "size": gi(grafanaGiB)},
			// The volume is ReadWriteOnce (EBS): with the chart's default
			// RollingUpdate a new pod scheduled on another node waits on
			// Multi-Attach until the old one is gone, which it never is.
			"deploymentStrategy": map[string]any{"type": "Recreate"},
			// The root file system is read-only and the chart mounts nothing
			// on /tmp, where Grafana stages plugin downloads (the
			// background plugin installer): give it an emptyDir there.
			"extraEmptyDirMounts":      []any{map[string]any{"name": "tmp", "mountPath": "/tmp"}},
			"securityContext":          grafanaPod,
			"containerSecurityContext": helmContainerSecurity(),
			"resources":                helmResources("100m", "256Mi", "500m", "512Mi"),
			// The chart's default init container chowns the volume as root
			// (runAsUser 0, CHOWN and DAC_OVERRIDE): fsGroup 472 already
			// makes the volume Grafana's (chart 12.11.1 values.yaml
			// initChownData, templates/_pod.tpl).
			"initChownData": map[string]any{"enabled": false},
			"sidecar": map[string]any{
				"resources": helmResources("50m", "64Mi", "200m", "256Mi"),
				"dashboards": map[string]any{
					"enabled": true, "label": dashboardLabel, "labelValue": "1", "searchNamespace": "ALL",
				},
			},
		},
	}}, true
}

// airflowValues run the official Airflow chart with the KubernetesExecutor,
// its metadata database "airflow" on the environment's RDS instance,
// workers on the tainted compute nodes, and S3 through the IRSA roles of its
// service accounts.
//
// No credential reaches the values or a set value: the metadata connection
// Secret names only the database (postgresql:///airflow), and libpq takes
// host, port, user and password from the PG* variables of the database
// Secret, which every Airflow container (the migration Job included) gets
// through extraEnvFrom.
//
// Under provider-helm with wait, the migration and user Jobs cannot be Helm
// hooks: a post-install hook runs only after the pods it must unblock are
// ready, so the install deadlocks. They are plain resources
// (useHelmHooks: false). Upstream also advises applyCustomEnv: false for
// them, so that values changes cannot alter an immutable Job; the migration
// Job keeps applyCustomEnv: true because its custom environment is constant
// (the database Secret by name and bucket names, which cannot change) and is
// how it gets the database credentials.
//
// Airflow writes into $AIRFLOW_HOME at run time (webserver_config.py, the
// webserver's pid files, logs), so its containers keep a writable root file
// system; everything else of the restricted profile stays.
func (w *workloads) airflowValues() (release, bool) {
	worker := w.roleARN(w.p.Namespace, airflowWorkerSA)
	scheduler := w.roleARN(w.p.Namespace, airflowSchedulerSA)
	switch {
	case !w.dbReady():
		return w.waitFor("the database for Airflow's metadata (XDatabase status.connectionSecret)")
	case worker == "" || scheduler == "":
		return w.waitFor("the IRSA roles of the Airflow service accounts")
	case !w.s.ObservedReady(compAirflowDBInit) && !w.s.ObservedExists(addonComp(addonAirflow)):
		// Only the first install waits: a new Job (its pod spec changed)
		// must not drop the installed release, which would uninstall it.
		return w.waitFor("the Job that creates Airflow's metadata database")
	case !w.desired(compAirflowMetadata):
		return w.waitFor("Airflow's metadata connection Secret")
	}
	pod := helmPodSecurity()
	pod["runAsUser"], pod["runAsGroup"], pod["fsGroup"] = airflowUID, 0, 0
	container := airflowContainerSecurity()
	component := func(cpuReq, memReq, cpuLim, memLim string) map[string]any {
		return map[string]any{
			"resources":        helmResources(cpuReq, memReq, cpuLim, memLim),
			"securityContexts": map[string]any{"pod": pod, "container": container},
		}
	}
	workers := component("500m", "1Gi", "2", "4Gi")
	workers["serviceAccount"] = serviceAccount(airflowWorkerSA, worker)
	workers["nodeSelector"] = map[string]any{"workload": "airflow-worker"}
	workers["tolerations"] = []any{map[string]any{"key": "dedicated", "operator": "Equal", "value": "airflow-worker", "effect": "NoSchedule"}}
	sched := component("250m", "512Mi", "1", "1Gi")
	sched["serviceAccount"] = serviceAccount(airflowSchedulerSA, scheduler)
	sched["logGroomerSidecar"] = airflowLogGroomer()
	// No default admin/admin user: operators create users deliberately.
	web := component("250m", "1Gi", "1", "2Gi")
	web["defaultUser"] = map[string]any{"enabled": false}
	env := []any{}
	tiers := make([]string, 0, len(w.p.Buckets))
	for t := range w.p.Buckets {
		tiers = append(tiers, t)
	}
	sort.Strings(tiers)
	for _, t := range tiers {
		env = append(env, map[string]any{"name": "GOKINJO_BUCKET_" + upper(t), "value": w.p.Buckets[t]})
	}
	migrate := component("100m", "256Mi", "500m", "512Mi")
	migrate["useHelmHooks"], migrate["applyCustomEnv"] = false, true
	createUser := component("100m", "256Mi", "500m", "512Mi")
	createUser["useHelmHooks"], createUser["applyCustomEnv"] = false, false
	values := map[string]any{
		"executor":           "KubernetesExecutor",
		"uid":                airflowUID,
		"gid":                0,
		"securityContexts":   map[string]any{"pod": pod, "containers": container},
		"postgresql":         map[string]any{"enabled": false},
		"pgbouncer":          map[string]any{"enabled": false},
		"redis":              map[string]any{"enabled": false},
		"statsd":             map[string]any{"enabled": false},
		"data":               map[string]any{"metadataSecretName": airflowMetadataSecret},
		"extraEnvFrom":       "- secretRef:\n    name: " + DBSecretName + "\n",
		"env":                env,
		"volumes":            []any{map[string]any{"name": "tmp", "emptyDir": map[string]any{"sizeLimit": "256Mi"}}},
		"volumeMounts":       []any{map[string]any{"name": "tmp", "mountPath": "/tmp"}},
		"workers":            workers,
		"scheduler":          sched,
		"webserver":          web,
		"triggerer":          w.airflowTriggerer(component("100m", "256Mi", "500m", "512Mi")),
		"migrateDatabaseJob": migrate,
		"createUserJob":      createUser,
		"config":             map[string]any{"kubernetes_executor": map[string]any{"namespace": w.p.Namespace}},
	}
	return release{Values: values}, true
}

// airflowTriggerer gives the triggerer's log volume claim the cluster's
// default StorageClass by name (the chart runs it as a StatefulSet with a
// volume claim template).
func (w *workloads) airflowTriggerer(t map[string]any) map[string]any {
	t["persistence"] = map[string]any{"storageClassName": storageClass()}
	t["logGroomerSidecar"] = airflowLogGroomer()
	return t
}

// airflowLogGroomer sizes the scheduler's and triggerer's log groomer
// sidecars, which have no resources in the chart's values.
func airflowLogGroomer() map[string]any {
	return map[string]any{"resources": helmResources("20m", "64Mi", "100m", "128Mi")}
}

// airflowContainerSecurity is the restricted container profile with a
// writable root file system (see airflowValues).
func airflowContainerSecurity() map[string]any {
	c := helmContainerSecurity()
	c["readOnlyRootFilesystem"] = false
	return c
}

// airflowMetadata composes the Secret the chart reads Airflow's metadata
// connection from (data.metadataSecretName, key connection): it names only
// the database; the credentials come from the PG* variables.
func (w *workloads) airflowMetadata() error {
	if !w.desired(compDBSecret) {
		return nil
	}
	sec := &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: w.meta(airflowMetadataSecret),
		Type:       corev1.SecretTypeOpaque,
		StringData: map[string]string{"connection": "postgresql:///" + AirflowDatabase + "?sslmode=require"},
	}
	return w.object(compAirflowMetadata, sec, "", reference{DependsOn: w.objectName(compNamespace)})
}

// releaseState is the observed Helm release state of an add-on, or "".
func (w *workloads) releaseState(addon string) string {
	return w.s.ObservedString(addonComp(addon), "status.atProvider.state")
}
