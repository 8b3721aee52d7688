package workloads

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// clusterUsageGVK is Crossplane's cluster-scoped Usage (the composed
// resources here are cluster-scoped: Objects, Releases, the EKS Cluster).
var clusterUsageGVK = mr.ClusterUsageGVK

// The EKS cluster, as the cluster layer labels it.
const (
	clusterLayer     = "cluster"
	clusterComponent = "eks-cluster"
)

var eksClusterGVK = schema.GroupVersionKind{Group: "eks.aws.upbound.io", Version: "v1beta1", Kind: "Cluster"}

// What of the cluster layer the ALB needs until it is gone: the load
// balancer controller deletes the ALB and its security group when the
// Ingress goes, which takes its pods (node groups), its IRSA role, the
// role's policy (without it every ELB call is AccessDenied) and the OIDC
// provider the role trusts (without it AssumeRoleWithWebIdentity fails),
// and provider-kubernetes' access to the cluster (ClusterAuth and its
// kubeconfig Secret, the ProviderConfigs). Deleted first, they leak the ALB,
// whose security group then blocks the VPC's deletion. Components and kinds
// as the cluster layer composes them.
var albDependencies = []struct {
	component string
	gvk       schema.GroupVersionKind
}{
	{"node-group-general", schema.GroupVersionKind{Group: "eks.aws.upbound.io", Version: "v1beta1", Kind: "NodeGroup"}},
	{"node-group-compute", schema.GroupVersionKind{Group: "eks.aws.upbound.io", Version: "v1beta1", Kind: "NodeGroup"}},
	{"cluster-auth", schema.GroupVersionKind{Group: "eks.aws.upbound.io", Version: "v1beta1", Kind: "ClusterAuth"}},
	{"provider-config-kubernetes", schema.GroupVersionKind{Group: "kubernetes.crossplane.io", Version: "v1alpha1", Kind: "ProviderConfig"}},
	{"provider-config-helm", schema.GroupVersionKind{Group: "helm.crossplane.io", Version: "v1beta1", Kind: "ProviderConfig"}},
	{"irsa-aws-load-balancer-controller", schema.GroupVersionKind{Group: "iam.aws.upbound.io", Version: "v1beta1", Kind: "Role"}},
	{"irsa-aws-load-balancer-controller-policy", schema.GroupVersionKind{Group: "iam.aws.upbound.io", Version: "v1beta1", Kind: "RolePolicy"}},
	{"iam-oidc-provider", schema.GroupVersionKind{Group: "iam.aws.upbound.io", Version: "v1beta1", Kind: "OpenIDConnectProvider"}},
}

// volumeDependencies: the EBS volumes of the claims that kube-prometheus-stack
// (Grafana's claim, deleted with the release), Airflow and the namespaces
// make are deleted by the EBS CSI controller. Deleted first, the volumes
// stay in AWS, billed, with nothing left to delete them. The StatefulSet
// claims (Prometheus's, Airflow's triggerer's) outlive their releases (no
// retention policy deletes them) and go with their namespace: the app
// namespace and the monitoring namespace. The cluster layer keeps what the
// add-on runs with (its nodes, IRSA role, the OIDC provider) until the
// add-on is gone.
var volumeDependencies = []struct {
	component string
	gvk       schema.GroupVersionKind
}{
	{"addon-aws-ebs-csi-driver", schema.GroupVersionKind{Group: "eks.aws.upbound.io", Version: "v1beta1", Kind: "Addon"}},
}

// volumeUsers are what has volumes (volumeDependencies).
var volumeUsers = []string{addonComp(addonMonitoring), addonComp(addonAirflow), compNamespace, compMonitoringNamespace}

// networkComponent is the usage name of the environment's XNetwork.
const networkComponent = "network"

// usages order deletion: the Ingress goes before the load balancer
// controller (which deletes the ALB) and before everything the controller
// needs to delete it (albDependencies, and the XNetwork: the controller runs
// in private subnets and reaches ELB and STS through the NAT gateways; a
// Usage of the XR keeps all it composes, as Kubernetes deletes composed
// resources only once their XR is gone), the ServiceMonitor and the rules
// before kube-prometheus-stack (which owns their CRDs), kube-prometheus-stack
// before its namespace, what has volumes before the EBS CSI driver
// (volumeDependencies), and every add-on and the namespaces before the EKS
// cluster.
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
	clusterPart := func(gvk schema.GroupVersionKind, component string) map[string]any {
		return mr.EnvironmentRef(gvk.GroupVersion().String(), gvk.Kind, w.p.EnvironmentID,
			map[string]string{naming.LabelLayer: clusterLayer, naming.LabelComponent: component})
	}
	if w.desired(compIngress) {
		by := w.localRef(compIngress)
		for _, d := range albDependencies {
			if err := w.usage(naming.UsageComponent(d.component, compIngress), clusterPart(d.gvk, d.component), by); err != nil {
				return err
			}
		}
		// The environment's XNetwork carries the environment id label, as
		// every XR the environment composes (its only XNetwork).
		network := mr.EnvironmentRef(v1alpha1.APIVersion, v1alpha1.KindNetwork, w.p.EnvironmentID, nil)
		if err := w.usage(naming.UsageComponent(networkComponent, compIngress), network, by); err != nil {
			return err
		}
	}
	for _, by := range volumeUsers {
		if !w.desired(by) {
			continue
		}
		user := w.localRef(by)
		for _, v := range volumeDependencies {
			if err := w.usage(naming.UsageComponent(v.component, by), clusterPart(v.gvk, v.component), user); err != nil {
				return err
			}
		}
	}
	cluster := clusterPart(eksClusterGVK, clusterComponent)
	for _, by := range w.s.Names() {
		d := w.s.Desired()[resourceName(by)].Resource
		if by != compNamespace && by != compMonitoringNamespace && d.GetKind() != releaseGVK.Kind {
			continue
		}
		if err := w.usage(naming.UsageComponent("cluster", by), cluster, w.localRef(by)); err != nil {
			return err
		}
	}
	return nil
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
