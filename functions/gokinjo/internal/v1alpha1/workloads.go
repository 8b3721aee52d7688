package v1alpha1

// KindWorkloads is the composite resource of the workloads layer.
const KindWorkloads = "XWorkloads"

// WorkloadsOverrides are the claim's knobs for the workloads layer. Every
// field is optional; an unset field takes the preset's value.
type WorkloadsOverrides struct {
	// Version is the default image tag of the API and the frontend (never
	// latest), for example v0.1.0.
	Version string `json:"version,omitempty"`
	// CertificateARN is an ACM certificate for the ALB; set, the Ingress
	// listens on HTTPS 443 and redirects HTTP to it.
	CertificateARN string `json:"certificateArn,omitempty"`
	// API overrides the API deployment.
	API *AppOverrides `json:"api,omitempty"`
	// Frontend overrides the frontend deployment.
	Frontend *AppOverrides `json:"frontend,omitempty"`
}

// AppOverrides override one app deployment.
type AppOverrides struct {
	// Image is the image repository without a tag; unset, the
	// environment's ECR repository of the app.
	Image string `json:"image,omitempty"`
	// Tag is the image tag; unset, Version.
	Tag string `json:"tag,omitempty"`
	// Replicas run at rest: the Deployment starts with them and they are
	// the HPA's minimum (the HPA owns the Deployment's replica count).
	Replicas *int `json:"replicas,omitempty"`
	// MaxReplicas is the HPA's maximum.
	MaxReplicas *int `json:"maxReplicas,omitempty"`
}

// WorkloadsParameters is spec.parameters of an XWorkloads. The environment
// layer writes it resolved: preset merged with the claim's overrides, plus
// what it has observed of the other layers so far (empty until observed).
type WorkloadsParameters struct {
	Owner `json:",inline"`
	// Namespace of the gokinjo workloads in the EKS cluster.
	Namespace string `json:"namespace"`
	// ClusterName is the EKS cluster, for the autoscaler's auto-discovery.
	ClusterName string `json:"clusterName"`
	// VPCCIDR is the VPC's CIDR: the ALB reaches pod IPs from it.
	VPCCIDR string `json:"vpcCidr"`
	// VPCID is the VPC, as observed on the XNetwork, for the load balancer
	// controller (empty until observed: the controller then asks IMDS).
	VPCID string `json:"vpcId,omitempty"`
	// Version is the default image tag.
	Version string `json:"version"`
	// CertificateARN, if set, turns on HTTPS at the ALB.
	CertificateARN string       `json:"certificateArn,omitempty"`
	API            AppParams    `json:"api"`
	Frontend       AppParams    `json:"frontend"`
	Cluster        ClusterInput `json:"cluster"`
	Database       DBInput      `json:"database"`
	// Buckets maps a data-lake tier (raw, processed, ...) to its bucket.
	Buckets map[string]string `json:"buckets,omitempty"`
}

// AppParams is one resolved app deployment.
type AppParams struct {
	// Image is the repository without a tag; empty until the ECR
	// repository is observed (the app then waits).
	Image         string `json:"image,omitempty"`
	Tag           string `json:"tag"`
	Replicas      int    `json:"replicas"`
	MaxReplicas   int    `json:"maxReplicas"`
	CPURequest    string `json:"cpuRequest"`
	MemoryRequest string `json:"memoryRequest"`
	CPULimit      string `json:"cpuLimit"`
	MemoryLimit   string `json:"memoryLimit"`
}

// ClusterInput is what the workloads layer needs of the cluster layer, as
// observed on the XCluster. Empty until observed.
type ClusterInput struct {
	// ProviderConfigName names the provider-kubernetes and provider-helm
	// ProviderConfigs of the cluster.
	ProviderConfigName string `json:"providerConfigName,omitempty"`
	// ServiceAccountRoleARNs maps <namespace>/<service account> to its IRSA
	// role ARN.
	ServiceAccountRoleARNs map[string]string `json:"serviceAccountRoleArns,omitempty"`
	// Version is the cluster's Kubernetes minor, as observed: the Cluster
	// Autoscaler's image follows it.
	Version string `json:"version,omitempty"`
}

// DBInput is what the workloads layer needs of the database layer, as
// observed on the XDatabase. Empty until observed.
type DBInput struct {
	Address string `json:"address,omitempty"`
	Port    int    `json:"port,omitempty"`
	// ConnectionSecret holds address, port, username and the generated
	// password; the function only passes its name on.
	ConnectionSecret *SecretReference `json:"connectionSecret,omitempty"`
}

// WorkloadsStatus is status of an XWorkloads, copied to the Environment.
type WorkloadsStatus struct {
	Namespace string `json:"namespace,omitempty"`
	// AppURL is the ALB's address, once the load balancer exists.
	AppURL string `json:"appUrl,omitempty"`
	// AirflowURL and GrafanaURL are in-cluster service addresses (reach
	// them with kubectl port-forward).
	AirflowURL string `json:"airflowUrl,omitempty"`
	GrafanaURL string `json:"grafanaUrl,omitempty"`
	// Migrated tells whether the schema migration Job has completed.
	Migrated bool `json:"migrated"`
	// Migration says why the migration of the API's tag has not completed
	// (a failed Job and its next attempt, or a pod that cannot start, such
	// as an image that was never pushed) and what to do; empty otherwise.
	Migration string `json:"migration,omitempty"`
	// Releases maps each Helm add-on to its observed release state.
	Releases map[string]string `json:"releases,omitempty"`
}
