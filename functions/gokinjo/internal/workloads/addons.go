package workloads

import "sort"

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
)

// Charts are the pinned add-on charts.
var Charts = map[string]chart{
	addonLBController:      {Name: "aws-load-balancer-controller", Repository: "https://aws.github.io/eks-charts", Version: "1.17.1"},
	addonClusterAutoscaler: {Name: "cluster-autoscaler", Repository: "https://kubernetes.github.io/autoscaler", Version: "9.46.6"},
	addonMetricsServer:     {Name: "metrics-server", Repository: "https://kubernetes-sigs.github.io/metrics-server/", Version: "3.12.2"},
	addonMonitoring:        {Name: "kube-prometheus-stack", Repository: "https://prometheus-community.github.io/helm-charts", Version: "92.11.0"},
	addonAirflow:           {Name: "airflow", Repository: "https://airflow.apache.org", Version: "1.16.0"},
}

func addonComp(name string) string { return "addon-" + name }

// addons composes the add-on releases, each once what it needs is
// observed: the IRSA roles of the controllers and of Airflow, and for
// Airflow its metadata database.
func (w *workloads) addons() error {
	for _, a := range []struct {
		name, namespace string
		values          func() (map[string]any, []map[string]any, string)
	}{
		{addonMetricsServer, kubeSystem, w.metricsServerValues},
		{addonLBController, kubeSystem, w.lbControllerValues},
		{addonClusterAutoscaler, kubeSystem, w.clusterAutoscalerValues},
		{addonMonitoring, MonitoringNamespace, w.monitoringValues},
		{addonAirflow, w.p.Namespace, w.airflowValues},
	} {
		values, sets, waitFor := a.values()
		if waitFor != "" {
			w.wait(waitFor)
			continue
		}
		if err := w.release(addonComp(a.name), a.name, Charts[a.name], a.namespace, values, sets...); err != nil {
			return err
		}
	}
	return nil
}

// serviceAccount values: a chart-created service account bound to an IRSA
// role.
func serviceAccount(name, arn string) map[string]any {
	return map[string]any{"create": true, "name": name, "annotations": map[string]any{irsaAnnotation: arn}}
}

func (w *workloads) metricsServerValues() (map[string]any, []map[string]any, string) {
	return map[string]any{
		"replicas":           w.controllerReplicas(),
		"podSecurityContext": helmPodSecurity(),
		"securityContext":    helmContainerSecurity(),
		"resources":          helmResources("50m", "64Mi", "200m", "256Mi"),
	}, nil, ""
}

// controllerReplicas: two replicas of a controller outside dev.
func (w *workloads) controllerReplicas() int {
	if w.p.Environment == "dev" {
		return 1
	}
	return 2
}

func (w *workloads) lbControllerValues() (map[string]any, []map[string]any, string) {
	arn := w.roleARN(kubeSystem, addonLBController)
	if arn == "" {
		return nil, nil, "the IRSA role of " + kubeSystem + "/" + addonLBController
	}
	v := map[string]any{
		"clusterName":        w.p.ClusterName,
		"region":             w.p.Region,
		"replicaCount":       w.controllerReplicas(),
		"serviceAccount":     serviceAccount(addonLBController, arn),
		"podSecurityContext": helmPodSecurity(),
		"securityContext":    helmContainerSecurity(),
		"resources":          helmResources("100m", "128Mi", "500m", "512Mi"),
	}
	if w.p.VPCID != "" {
		v["vpcId"] = w.p.VPCID
	}
	return v, nil, ""
}

func (w *workloads) clusterAutoscalerValues() (map[string]any, []map[string]any, string) {
	arn := w.roleARN(kubeSystem, addonClusterAutoscaler)
	if arn == "" {
		return nil, nil, "the IRSA role of " + kubeSystem + "/" + addonClusterAutoscaler
	}
	return map[string]any{
		"autoDiscovery": map[string]any{"clusterName": w.p.ClusterName},
		"awsRegion":     w.p.Region,
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
	}, nil, ""
}

// monitoringValues install Prometheus, Alertmanager and Grafana. Prometheus
// selects every ServiceMonitor and PrometheusRule (not only the chart's);
// Grafana's sidecar loads every ConfigMap labelled grafana_dashboard=1.
func (w *workloads) monitoringValues() (map[string]any, []map[string]any, string) {
	retention := "7d"
	storage := "20Gi"
	if w.p.Environment == "prod" {
		retention, storage = "30d", "100Gi"
	}
	podSec := helmPodSecurity()
	podSec["runAsUser"], podSec["runAsGroup"], podSec["fsGroup"] = 1000, 2000, 2000
	grafanaPod := helmPodSecurity()
	grafanaPod["runAsUser"], grafanaPod["runAsGroup"], grafanaPod["fsGroup"] = 472, 472, 472
	return map[string]any{
		"prometheus": map[string]any{"prometheusSpec": map[string]any{
			"serviceMonitorSelectorNilUsesHelmValues": false,
			"ruleSelectorNilUsesHelmValues":           false,
			"podMonitorSelectorNilUsesHelmValues":     false,
			"retention":                               retention,
			"securityContext":                         podSec,
			"resources":                               helmResources("500m", "2Gi", "2", "4Gi"),
			"storageSpec": map[string]any{"volumeClaimTemplate": map[string]any{"spec": map[string]any{
				"accessModes": []any{"ReadWriteOnce"},
				"resources":   map[string]any{"requests": map[string]any{"storage": storage}},
			}}},
		}},
		"alertmanager": map[string]any{"alertmanagerSpec": map[string]any{
			"securityContext": podSec,
			"resources":       helmResources("50m", "64Mi", "200m", "256Mi"),
		}},
		"prometheusOperator": map[string]any{
			"securityContext":          helmPodSecurity(),
			"containerSecurityContext": helmContainerSecurity(),
			"resources":                helmResources("100m", "128Mi", "500m", "512Mi"),
		},
		"grafana": map[string]any{
			"securityContext":          grafanaPod,
			"containerSecurityContext": helmContainerSecurity(),
			"resources":                helmResources("100m", "256Mi", "500m", "512Mi"),
			"sidecar": map[string]any{"dashboards": map[string]any{
				"enabled": true, "label": dashboardLabel, "labelValue": "1", "searchNamespace": "ALL",
			}},
		},
	}, nil, ""
}

// airflowValues run the official Airflow chart with the KubernetesExecutor,
// its metadata database "airflow" on the environment's RDS instance (the
// host, user and password are copied from the management cluster's secrets
// by provider-helm: set valueFrom), workers on the tainted compute nodes,
// and S3 through the IRSA roles of its service accounts.
func (w *workloads) airflowValues() (map[string]any, []map[string]any, string) {
	worker := w.roleARN(w.p.Namespace, airflowWorkerSA)
	scheduler := w.roleARN(w.p.Namespace, airflowSchedulerSA)
	switch {
	case !w.dbReady():
		return nil, nil, "the database for Airflow's metadata (XDatabase status.connectionSecret)"
	case worker == "" || scheduler == "":
		return nil, nil, "the IRSA roles of the Airflow service accounts"
	case !w.s.ObservedReady(compAirflowDBInit):
		return nil, nil, "the Job that creates Airflow's metadata database"
	}
	pod := helmPodSecurity()
	pod["runAsUser"], pod["runAsGroup"], pod["fsGroup"] = airflowUID, 0, 0
	container := helmContainerSecurity()
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
	port := w.p.Database.Port
	if port == 0 {
		port = postgresPort
	}
	values := map[string]any{
		"executor":         "KubernetesExecutor",
		"uid":              airflowUID,
		"gid":              0,
		"securityContexts": map[string]any{"pod": pod, "containers": container},
		"postgresql":       map[string]any{"enabled": false},
		"pgbouncer":        map[string]any{"enabled": false},
		"redis":            map[string]any{"enabled": false},
		"statsd":           map[string]any{"enabled": false},
		"data": map[string]any{"metadataConnection": map[string]any{
			"protocol": "postgresql", "port": port, "db": AirflowDatabase, "sslmode": "require",
		}},
		"env":                env,
		"volumes":            []any{map[string]any{"name": "tmp", "emptyDir": map[string]any{"sizeLimit": "256Mi"}}},
		"volumeMounts":       []any{map[string]any{"name": "tmp", "mountPath": "/tmp"}},
		"workers":            workers,
		"scheduler":          sched,
		"webserver":          web,
		"triggerer":          component("100m", "256Mi", "500m", "512Mi"),
		"migrateDatabaseJob": component("100m", "256Mi", "500m", "512Mi"),
		"createUserJob":      component("100m", "256Mi", "500m", "512Mi"),
		"config":             map[string]any{"kubernetes_executor": map[string]any{"namespace": w.p.Namespace}},
	}
	cs := w.p.Database.ConnectionSecret
	fromSecret := func(path, name, namespace, key string) map[string]any {
		return map[string]any{"name": path, "valueFrom": map[string]any{"secretKeyRef": map[string]any{
			"name": name, "namespace": namespace, "key": key,
		}}}
	}
	sets := []map[string]any{
		fromSecret("data.metadataConnection.host", cs.Name, cs.Namespace, "address"),
		fromSecret("data.metadataConnection.user", cs.Name, cs.Namespace, "username"),
		fromSecret("data.metadataConnection.pass", DBPasswordSecretName(w.p.Owner), credentialsNamespace, passwordKey),
	}
	return values, sets, ""
}

// releaseState is the observed Helm release state of an add-on, or "".
func (w *workloads) releaseState(addon string) string {
	return w.s.ObservedString(addonComp(addon), "status.atProvider.state")
}
