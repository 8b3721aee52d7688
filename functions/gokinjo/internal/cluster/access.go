package cluster

import (
	xpv1 "github.com/crossplane/crossplane-runtime/apis/common/v1"
	eks "github.com/upbound/provider-aws/apis/eks/v1beta1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

const (
	compClusterAuth        = "cluster-auth"
	compKubernetesProvider = "provider-config-kubernetes"
	compHelmProvider       = "provider-config-helm"

	// KubeconfigNamespace holds the kubeconfig connection secrets, beside
	// the providers that read them.
	KubeconfigNamespace = "crossplane-system"
	// kubeconfigKey is the key ClusterAuth writes the kubeconfig under.
	kubeconfigKey = "kubeconfig"
)

// The ProviderConfigs of provider-kubernetes and provider-helm have no Go
// types here (compose's ready checks know they have no conditions).
var (
	kubernetesProviderConfig = schema.GroupVersionKind{Group: "kubernetes.crossplane.io", Version: "v1alpha1", Kind: "ProviderConfig"}
	helmProviderConfig       = schema.GroupVersionKind{Group: "helm.crossplane.io", Version: "v1beta1", Kind: "ProviderConfig"}
)

// KubeconfigSecretName is the connection secret of an environment's
// ClusterAuth: gokinjo-<env>-kubeconfig.
func KubeconfigSecretName(clusterName string) string { return clusterName + "-kubeconfig" }

// remoteAccess composes, once the cluster is observed ready, a ClusterAuth
// that keeps a kubeconfig with a fresh token in a connection secret, and the
// provider-kubernetes and provider-helm ProviderConfigs (named like the
// cluster) that the workloads layer deploys through.
func (c *cluster) remoteAccess() error {
	if !c.s.Sticky(compClusterAuth, c.clusterReady()) {
		return nil
	}
	o := c.p.Owner
	secret := KubeconfigSecretName(c.p.Name)
	spec := mr.Spec(o)
	spec.WriteConnectionSecretToReference = &xpv1.SecretReference{Name: secret, Namespace: KubeconfigNamespace}
	ca := &eks.ClusterAuth{Spec: eks.ClusterAuthSpec{
		ResourceSpec: spec,
		ForProvider: eks.ClusterAuthParameters{
			Region:              o.Region,
			ClusterNameSelector: mr.Local(compCluster),
		},
	}}
	if err := c.s.Add(compClusterAuth, ca, c.labels(compClusterAuth)); err != nil {
		return err
	}
	for comp, gvk := range map[string]schema.GroupVersionKind{
		compKubernetesProvider: kubernetesProviderConfig,
		compHelmProvider:       helmProviderConfig,
	} {
		pc := map[string]any{
			"apiVersion": gvk.GroupVersion().String(),
			"kind":       gvk.Kind,
			"metadata":   map[string]any{"name": c.p.Name},
			"spec": map[string]any{"credentials": map[string]any{
				"source":    "Secret",
				"secretRef": map[string]any{"namespace": KubeconfigNamespace, "name": secret, "key": kubeconfigKey},
			}},
		}
		if err := c.s.AddUnstructured(comp, pc, c.labels(comp)); err != nil {
			return err
		}
	}
	return nil
}

// kubeconfigSecret is the reference status reports once ClusterAuth exists.
func (c *cluster) kubeconfigSecret() *v1alpha1.SecretKeyRef {
	if !c.s.ObservedExists(compClusterAuth) {
		return nil
	}
	return &v1alpha1.SecretKeyRef{Name: KubeconfigSecretName(c.p.Name), Namespace: KubeconfigNamespace, Key: kubeconfigKey}
}
