package workloads

import (
	"fmt"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func resourceName(comp string) resource.Name { return resource.Name(comp) }

// status reports the app's URLs and the state of what runs, as observed.
// Airflow and Grafana have no public endpoint: their URLs are in-cluster
// service addresses (kubectl port-forward reaches them).
func (w *workloads) status() v1alpha1.WorkloadsStatus {
	st := v1alpha1.WorkloadsStatus{
		Namespace: w.p.Namespace,
		AppURL:    w.appURL(),
		Migrated:  w.migrated(),
		Migration: w.migrationState(),
	}
	if w.s.ObservedReady(addonComp(addonAirflow)) {
		st.AirflowURL = fmt.Sprintf("http://%s-webserver.%s.svc.cluster.local:8080", addonAirflow, w.p.Namespace)
	}
	if w.s.ObservedReady(addonComp(addonMonitoring)) {
		st.GrafanaURL = fmt.Sprintf("http://%s-grafana.%s.svc.cluster.local", addonMonitoring, MonitoringNamespace)
	}
	for _, a := range []string{addonLBController, addonClusterAutoscaler, addonMetricsServer, addonMonitoring, addonAirflow} {
		if s := w.releaseState(a); s != "" {
			if st.Releases == nil {
				st.Releases = map[string]string{}
			}
			st.Releases[a] = s
		}
	}
	return st
}
