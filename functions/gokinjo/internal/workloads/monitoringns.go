package workloads

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// compMonitoringNamespace is the Object of kube-prometheus-stack's
// namespace.
const compMonitoringNamespace = "monitoring-namespace"

// monitoringNamespace composes the namespace kube-prometheus-stack installs
// into, so that deleting the environment deletes it. Prometheus is a
// StatefulSet the Prometheus operator makes with a volumeClaimTemplate,
// and Kubernetes keeps a StatefulSet's claims when it is deleted unless
// persistentVolumeClaimRetentionPolicy.whenDeleted is Delete (the chart
// leaves it {}): helm uninstall leaves Prometheus's claim, and with it its
// EBS volume, in the namespace. Setting whenDeleted: Delete is no fix: the
// operator deletes and recreates the StatefulSet (foreground) when an
// immutable field changes, which would delete the metrics with it. Only
// the namespace's deletion takes the claim; provider-helm never deletes a
// namespace.
//
// The Release keeps creating the namespace too (skipCreateNamespace unset;
// provider-helm ignores AlreadyExists), so the first install waits for
// nothing; whichever comes first, the other takes it as it is:
// provider-kubernetes applies the manifest over a namespace that exists
// (server-side apply forcing ownership of its fields), so an environment
// whose namespace helm made takes it over without disruption.
func (w *workloads) monitoringNamespace() error {
	ns := &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: MonitoringNamespace},
	}
	return w.object(compMonitoringNamespace, ns, "")
}
