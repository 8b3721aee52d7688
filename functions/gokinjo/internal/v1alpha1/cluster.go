package v1alpha1

// EKS upgrade policies (upgradePolicy.supportType): STANDARD lets EKS
// upgrade the control plane at the end of standard support; EXTENDED keeps
// the version, billed at the extended-support price.
const (
	SupportStandard = "STANDARD"
	SupportExtended = "EXTENDED"
)

// Node group names: general runs the API, the frontend and the Airflow
// webserver; compute runs the Airflow workers only (tainted).
const (
	NodeGroupGeneral = "general"
	NodeGroupCompute = "compute"
)

// ClusterOverrides are the claim's knobs for the cluster layer. Every field
// is optional; an unset field takes the preset's value.
type ClusterOverrides struct {
	// Version is the Kubernetes minor version, for example 1.35.
	Version string `json:"version,omitempty"`
	// SupportType is STANDARD (default) or EXTENDED (opt into extended
	// support and its price).
	SupportType string `json:"supportType,omitempty"`
	// PublicAccessCIDRs may reach the public API endpoint; none (the
	// default) turns the public endpoint off.
	PublicAccessCIDRs []string `json:"publicAccessCidrs,omitempty"`
	// AdminPrincipalARN is an IAM role or user given cluster admin through
	// an EKS access entry.
	AdminPrincipalARN string `json:"adminPrincipalArn,omitempty"`
	// AccessEntries composes the access entry of AdminPrincipalARN. Unset,
	// it is true when AdminPrincipalARN is set.
	AccessEntries *bool `json:"accessEntries,omitempty"`
	// NodeGroups override the sizes of the managed node groups.
	NodeGroups *NodeGroupsOverrides `json:"nodeGroups,omitempty"`
}

// NodeGroupsOverrides override the two managed node groups.
type NodeGroupsOverrides struct {
	General *NodeGroupOverrides `json:"general,omitempty"`
	Compute *NodeGroupOverrides `json:"compute,omitempty"`
}

// NodeGroupOverrides override one managed node group.
type NodeGroupOverrides struct {
	InstanceType string `json:"instanceType,omitempty"`
	MinSize      *int   `json:"minSize,omitempty"`
	MaxSize      *int   `json:"maxSize,omitempty"`
	DesiredSize  *int   `json:"desiredSize,omitempty"`
}

// ClusterParameters is spec.parameters of an XCluster. The environment layer
// writes it fully resolved (preset merged with the claim's overrides).
type ClusterParameters struct {
	Owner `json:",inline"`
	// Name of the EKS cluster, gokinjo-<env>.
	Name    string `json:"name"`
	Version string `json:"version"`
	// SupportType is the EKS upgrade policy, STANDARD or EXTENDED.
	SupportType string `json:"supportType,omitempty"`
	// PublicAccessCIDRs may reach the public endpoint; empty turns it off.
	PublicAccessCIDRs []string `json:"publicAccessCidrs,omitempty"`
	// LogRetentionDays of the control-plane log group /aws/eks/<name>/cluster.
	LogRetentionDays  int    `json:"logRetentionDays,omitempty"`
	AdminPrincipalARN string `json:"adminPrincipalArn,omitempty"`
	AccessEntries     bool   `json:"accessEntries"`
	// AppNamespace is the namespace of the gokinjo workloads in the EKS
	// cluster; Airflow's service accounts, which have IRSA roles, live there.
	AppNamespace string            `json:"appNamespace"`
	NodeGroups   []NodeGroupParams `json:"nodeGroups"`
	// Buckets maps a data-lake tier to its bucket name (with the data lake's
	// bucketSuffix), for the IRSA policies of Airflow.
	Buckets map[string]string `json:"buckets,omitempty"`
	// BucketEncryption is the data lake's default encryption, AES256 or
	// aws:kms: with aws:kms the app roles also need the KMS actions S3 calls
	// with their credentials. Empty is AES256 (an XCluster written before
	// it was passed).
	BucketEncryption string `json:"bucketEncryption,omitempty"`
}

// NodeGroupParams is one resolved managed node group.
type NodeGroupParams struct {
	// Name is general or compute.
	Name         string `json:"name"`
	InstanceType string `json:"instanceType"`
	MinSize      int    `json:"minSize"`
	MaxSize      int    `json:"maxSize"`
	// DesiredSize is the size at creation only: the Cluster Autoscaler owns
	// it afterwards (a new range that excludes the running size moves it to
	// the nearest bound).
	DesiredSize int `json:"desiredSize"`
}

// ClusterStatus is status of an XCluster, copied to the Environment.
type ClusterStatus struct {
	Name                   string `json:"name,omitempty"`
	Version                string `json:"version,omitempty"`
	Endpoint               string `json:"endpoint,omitempty"`
	OIDCIssuer             string `json:"oidcIssuer,omitempty"`
	ClusterSecurityGroupID string `json:"clusterSecurityGroupId,omitempty"`
	// KubeconfigSecret is the connection secret ClusterAuth writes, once the
	// cluster is ready.
	KubeconfigSecret *SecretKeyRef `json:"kubeconfigSecret,omitempty"`
	// ProviderConfigName names the provider-kubernetes and provider-helm
	// ProviderConfigs that reach the cluster, once they exist.
	ProviderConfigName string            `json:"providerConfigName,omitempty"`
	NodeGroups         []NodeGroupStatus `json:"nodeGroups,omitempty"`
	// ServiceAccountRoleARNs maps <namespace>/<service account> to the ARN of
	// its IRSA role.
	ServiceAccountRoleARNs map[string]string `json:"serviceAccountRoleArns,omitempty"`
}

// SecretKeyRef names a key of a Secret.
type SecretKeyRef struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Key       string `json:"key"`
}

// NodeGroupStatus is the configured range and observed size of a node group.
type NodeGroupStatus struct {
	Name         string `json:"name"`
	InstanceType string `json:"instanceType"`
	MinSize      int    `json:"minSize"`
	MaxSize      int    `json:"maxSize"`
	// DesiredSize is the size AWS reports (set by the Cluster Autoscaler),
	// once observed.
	DesiredSize *int   `json:"desiredSize,omitempty"`
	Status      string `json:"status,omitempty"`
}
