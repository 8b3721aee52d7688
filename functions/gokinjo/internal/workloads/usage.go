package workloads

import (
	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Usage components of the environment's nested XRs this layer's resources
// use (a Usage of an XR keeps everything the XR composes: Kubernetes
// garbage collection deletes composed resources only once their XR is gone,
// and the Usage webhook refuses the XR's deletion while it is in use).
const (
	networkComponent      = "network"
	clusterLayerComponent = "cluster-layer"
)

// usages order deletion. In this layer: the Ingress before the load
// balancer controller (which deletes the ALB), the ServiceMonitor and the
// rules before kube-prometheus-stack (which owns their CRDs), and
// kube-prometheus-stack before its namespace. Across layers, every release,
// both namespaces and the Ingress before the whole cluster layer: the EKS
// cluster, and what deleting them takes. The load balancer controller
// deletes the ALB when the Ingress goes, with its pods (node groups), its
// IRSA role, the role's policy (without it every ELB call is AccessDenied),
// the OIDC provider the role trusts (without it AssumeRoleWithWebIdentity
// fails) and provider-kubernetes' access (ClusterAuth, ProviderConfigs);
// deleted first, they leak the ALB, whose security group then blocks the
// VPC's deletion. The EBS CSI driver deletes the volumes of the claims of
// kube-prometheus-stack (Grafana's, which helm uninstall deletes), Airflow
// and the namespaces (the StatefulSet claims, Prometheus's and Airflow's
// triggerer's, which no release deletes, go with their namespace); gone
// first, the volumes stay in AWS, billed. And the XNetwork before the
// Ingress is gone: the controller runs in private subnets and reaches ELB
// and STS through the NAT gateways.
func (w *workloads) usages() error {
	type pair struct{ of, by string }
	var local []pair
	if w.desired(compIngress) && w.desired(addonComp(addonLBController)) {
		local = append(local, pair{addonComp(addonLBController), compIngress})
	}
	for _, by := range []string{compServiceMonitor, compPrometheusRule} {
		if w.desired(by) && w.desired(addonComp(addonMonitoring)) {
			local = append(local, pair{addonComp(addonMonitoring), by})
		}
	}
	// helm uninstall reads its release record (Secrets in the release's
	// namespace) and deletes what the chart made outside the namespace
	// (cluster roles, webhook configurations, Services in kube-system):
	// with the namespace going first or at once, provider-helm finds no
	// release and drops the Release without uninstalling. Prometheus's claim
	// that helm uninstall leaves then goes with the namespace.
	if w.desired(compMonitoringNamespace) && w.desired(addonComp(addonMonitoring)) {
		local = append(local, pair{compMonitoringNamespace, addonComp(addonMonitoring)})
	}
	for _, u := range local {
		if err := w.usage(naming.UsageComponent(u.of, u.by), w.localRef(u.of), w.localRef(u.by)); err != nil {
			return err
		}
	}
	// The environment's XRs carry the environment id label, as every XR the
	// environment composes (its only XNetwork and XCluster).
	if w.desired(compIngress) {
		network := mr.EnvironmentRef(v1alpha1.APIVersion, v1alpha1.KindNetwork, w.p.EnvironmentID, nil)
		if err := w.usage(naming.UsageComponent(networkComponent, compIngress), network, w.localRef(compIngress)); err != nil {
			return err
		}
	}
	clusterLayer := mr.EnvironmentRef(v1alpha1.APIVersion, v1alpha1.KindCluster, w.p.EnvironmentID, nil)
	for _, by := range w.clusterUsers() {
		if err := w.usage(naming.UsageComponent(clusterLayerComponent, by), clusterLayer, w.localRef(by)); err != nil {
			return err
		}
	}
	return nil
}

// clusterUsers are the composed components the cluster layer is kept for:
// every release, both namespaces and the Ingress.
func (w *workloads) clusterUsers() []string {
	var users []string
	for _, c := range w.s.Names() {
		kind := w.s.Desired()[resourceName(c)].Resource.GetKind()
		if c == compNamespace || c == compMonitoringNamespace || c == compIngress || kind == releaseGVK.Kind {
			users = append(users, c)
		}
	}
	return users
}

// localRef selects a resource this layer composes by its component.
func (w *workloads) localRef(comp string) map[string]any {
	d := w.s.Desired()[resourceName(comp)].Resource
	return mr.LocalRef(d.GetAPIVersion(), d.GetKind(), comp)
}

// usage composes a ClusterUsage: of may not be deleted while by exists.
func (w *workloads) usage(comp string, of, by map[string]any) error {
	return w.s.AddUnstructured(comp, mr.ClusterUsage(of, by), w.labels(comp))
}
