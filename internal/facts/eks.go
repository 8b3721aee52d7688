package facts

// EKSFacts: Kubernetes versions EKS offers, their support windows and the
// add-on versions chosen for each. Owner: cluster layer.
type EKSFacts struct {
	Source         Source `json:"source"`
	DefaultVersion string `json:"defaultVersion"`
	// Versions EKS creates today, oldest first.
	Versions []KubernetesVersion `json:"versions"`
	// DefaultStorageClass is the StorageClass the cluster layer makes the
	// default (EKS 1.30+ has none); the workloads layer names it in its
	// volume claims.
	DefaultStorageClass string `json:"defaultStorageClass"`
}

// KubernetesVersion is one EKS Kubernetes minor.
type KubernetesVersion struct {
	Version string `json:"version"`
	// StandardSupportEnd and ExtendedSupportEnd are dates (YYYY-MM-DD).
	StandardSupportEnd string `json:"standardSupportEnd"`
	ExtendedSupportEnd string `json:"extendedSupportEnd"`
	// Addons maps an EKS add-on name to the version composed for this minor.
	Addons map[string]string `json:"addons"`
	// ClusterAutoscalerImageTag matches the cluster minor, as the autoscaler
	// project requires.
	ClusterAutoscalerImageTag string `json:"clusterAutoscalerImageTag,omitempty"`
}

// EKS is loaded from data/eks.yaml.
var EKS = mustLoad[EKSFacts]("eks.yaml")

// Version returns the facts of a Kubernetes minor.
func (f EKSFacts) Version(v string) (KubernetesVersion, bool) {
	for _, k := range f.Versions {
		if k.Version == v {
			return k, true
		}
	}
	return KubernetesVersion{}, false
}
