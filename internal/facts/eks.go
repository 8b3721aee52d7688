package facts

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// EKSFacts: Kubernetes versions EKS offers, their support windows and the
// add-on versions chosen for each. Owner: cluster layer.
type EKSFacts struct {
	Source         Source `json:"source"`
	DefaultVersion string `json:"defaultVersion"`
	// Versions EKS has offered, oldest first, with their support windows.
	Versions []KubernetesVersion `json:"versions"`
	// DefaultStorageClass is the StorageClass the cluster layer makes the
	// default (EKS 1.30+ has none) through the EBS CSI add-on; the workloads
	// layer names it in its volume claims.
	DefaultStorageClass       string `json:"defaultStorageClass"`
	DefaultStorageClassSource Source `json:"defaultStorageClassSource"`
	// NodeGroupMaxSize bounds a managed node group's min, max and desired size.
	NodeGroupMaxSize       int    `json:"nodeGroupMaxSize"`
	NodeGroupMaxSizeSource Source `json:"nodeGroupMaxSizeSource"`
	// NodeGroupScaling is how EKS refuses a desired size outside the range.
	NodeGroupScaling NodeGroupScaling `json:"nodeGroupScaling"`
	// AddonsSource is where the per-minor add-on versions were read.
	AddonsSource Source `json:"addonsSource"`
	// ClusterAutoscalerSource is where the autoscaler tags were read.
	ClusterAutoscalerSource Source `json:"clusterAutoscalerSource"`
	// NodeGroupsMatchBeforeUpgrade: EKS upgrades a control plane only when
	// every managed node group runs its version (cluster/versions.go).
	NodeGroupsMatchBeforeUpgrade Source `json:"nodeGroupsMatchBeforeUpgrade"`
	// NodeLaunchTemplate is what a managed node group's launch template
	// holds, and what EKS refuses in it.
	NodeLaunchTemplate       NodeLaunchTemplate `json:"nodeLaunchTemplate"`
	NodeLaunchTemplateSource Source             `json:"nodeLaunchTemplateSource"`
	// ClusterAuth is how long the token in the kubeconfig provider-kubernetes
	// and provider-helm use lives.
	ClusterAuth ClusterAuthToken `json:"clusterAuth"`
}

// ClusterAuthToken: provider-aws' ClusterAuth publishes a kubeconfig whose
// bearer token it renews every refresh period, looking at most every poll
// interval; a token lives refresh + expiryMargin, at most maxLifetime. So a
// client that reads the kubeconfig holds a token that lives at least
// MinRemaining() more.
type ClusterAuthToken struct {
	RefreshPeriodSeconds int    `json:"refreshPeriodSeconds"`
	PollSeconds          int    `json:"pollSeconds"`
	ExpiryMarginSeconds  int    `json:"expiryMarginSeconds"`
	MaxLifetimeSeconds   int    `json:"maxLifetimeSeconds"`
	Source               Source `json:"source"`
}

// MinRemaining is the least time a token read from the kubeconfig still
// lives: it was made at most a refresh period plus a poll ago.
func (c ClusterAuthToken) MinRemaining() time.Duration {
	life := min(c.RefreshPeriodSeconds+c.ExpiryMarginSeconds, c.MaxLifetimeSeconds)
	return time.Duration(life-c.RefreshPeriodSeconds-c.PollSeconds) * time.Second
}

// NodeLaunchTemplate: the launch template of a managed node group. EKS does
// not copy a node group's tags to the instances, volumes and network
// interfaces it launches; the template's tag specifications do.
type NodeLaunchTemplate struct {
	// TagResourceTypes are the tag specification resource types.
	TagResourceTypes []string `json:"tagResourceTypes"`
	// Prohibited are launch template fields (dotted forProvider paths of
	// provider-aws ec2 LaunchTemplate) EKS refuses for a managed node group.
	Prohibited []string `json:"prohibited"`
	// ProhibitedOnNodeGroup are node group fields EKS refuses alongside a
	// launch template.
	ProhibitedOnNodeGroup []string `json:"prohibitedOnNodeGroup"`
	// The root volume: what EKS gives a node group without a template.
	RootDeviceName string `json:"rootDeviceName"`
	RootVolumeGiB  int    `json:"rootVolumeGiB"`
	RootVolumeType string `json:"rootVolumeType"`
	// MetadataHopLimit is the IMDSv2 hop limit (1: pods cannot reach the
	// node's credentials), as on a node group without a template.
	MetadataHopLimit int `json:"metadataHopLimit"`
}

// KubernetesVersion is one EKS Kubernetes minor.
type KubernetesVersion struct {
	Version string `json:"version"`
	// StandardSupportEnd and ExtendedSupportEnd are dates (YYYY-MM-DD, UTC):
	// extended support is billed from the first, and EKS creates no cluster
	// of the version from the second.
	StandardSupportEnd string `json:"standardSupportEnd"`
	ExtendedSupportEnd string `json:"extendedSupportEnd"`
	// Addons maps an EKS add-on name to the version composed for this minor;
	// an add-on missing here is left to EKS's default version for the minor.
	Addons map[string]string `json:"addons"`
	// ClusterAutoscalerImageTag matches the cluster minor, as the autoscaler
	// project requires.
	ClusterAutoscalerImageTag string `json:"clusterAutoscalerImageTag,omitempty"`
}

// NodeGroupScaling holds EKS's messages (fmt formats) for a node group
// scaling config whose desired size is outside [minSize, maxSize].
type NodeGroupScaling struct {
	// MinAboveDesired takes the min and the desired size.
	MinAboveDesired string `json:"minAboveDesired"`
	DesiredAboveMax string `json:"desiredAboveMax"`
	Source          Source `json:"source"`
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

// AsOf is the date the facts were checked: support windows are judged on it,
// so a render never depends on the clock.
func (f EKSFacts) AsOf() string { return f.Source.Checked }

// Offered lists the minors EKS still creates on the check date (extended
// support not over), oldest first: the XRD allow-list.
func (f EKSFacts) Offered() []string {
	var out []string
	for _, k := range f.Versions {
		if k.ExtendedSupportEnd > f.AsOf() {
			out = append(out, k.Version)
		}
	}
	return out
}

// Standard lists the offered minors still in standard support on the check date.
func (f EKSFacts) Standard() []string {
	var out []string
	for _, k := range f.Versions {
		if k.InStandardSupport(f.AsOf()) {
			out = append(out, k.Version)
		}
	}
	return out
}

// InStandardSupport reports whether the minor is in standard support on date
// (YYYY-MM-DD).
func (k KubernetesVersion) InStandardSupport(date string) bool {
	return k.StandardSupportEnd > date
}

// Minor parses the minor of a "1.N" Kubernetes version.
func Minor(v string) (int, error) {
	major, minor, ok := strings.Cut(v, ".")
	if !ok || major != "1" {
		return 0, fmt.Errorf("%q is not a Kubernetes 1.N version", v)
	}
	n, err := strconv.Atoi(minor)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a Kubernetes 1.N version", v)
	}
	return n, nil
}
