package v1alpha1

// NAT gateway modes.
const (
	NATSingle   = "Single"
	NATOnePerAZ = "OnePerAZ"
)

// Subnet tiers.
const (
	TierPublic   = "public"
	TierPrivate  = "private"
	TierDatabase = "database"
)

// Owner identifies the environment a nested layer belongs to. The environment
// layer fills it; every layer stamps it on what it composes.
type Owner struct {
	// EnvironmentID is the name of the XEnvironment, unique in the cluster;
	// it is the value of the label other layers select on.
	EnvironmentID string `json:"environmentId"`
	// Environment is dev, staging or prod.
	Environment string `json:"environment"`
	// Region is the AWS region.
	Region string `json:"region"`
	// ProviderConfigName is the provider-aws ProviderConfig to use.
	ProviderConfigName string `json:"providerConfigName"`
	// NamePrefix starts every AWS and management-cluster name of the
	// environment: gokinjo-<env>-<hash of the claim and region>, or
	// gokinjo-<env> for an environment created before names were unique per
	// claim (docs/naming.md). Empty means the latter. Only the naming
	// package reads it.
	NamePrefix string `json:"namePrefix,omitempty"`
}

// NetworkParameters is spec.parameters of an XNetwork. The environment layer
// writes it fully resolved (preset merged with the claim's overrides).
type NetworkParameters struct {
	Owner             `json:",inline"`
	CIDR              string   `json:"cidr"`
	AvailabilityZones []string `json:"availabilityZones"`
	NATGateways       string   `json:"natGateways"`
	S3GatewayEndpoint bool     `json:"s3GatewayEndpoint"`
	// ClusterName is the EKS cluster that will use the subnets; it names the
	// kubernetes.io/cluster/<name> subnet tag.
	ClusterName string `json:"clusterName"`
	// RetainOnDelete orphans the VPC and the database subnets when the
	// XNetwork is deleted: the environment sets it when the database is
	// orphaned (deletion protection), because AWS cannot delete a subnet or
	// VPC that still holds the database (docs/database-layer.md).
	RetainOnDelete bool `json:"retainOnDelete,omitempty"`
}

// NetworkStatus is status of an XNetwork.
type NetworkStatus struct {
	VPCID             string         `json:"vpcId,omitempty"`
	CIDR              string         `json:"cidr,omitempty"`
	Subnets           []SubnetStatus `json:"subnets,omitempty"`
	PublicSubnetIDs   []string       `json:"publicSubnetIds,omitempty"`
	PrivateSubnetIDs  []string       `json:"privateSubnetIds,omitempty"`
	DatabaseSubnetIDs []string       `json:"databaseSubnetIds,omitempty"`
	NATGatewayIDs     []string       `json:"natGatewayIds,omitempty"`
}

// SubnetStatus is one planned subnet and, once observed, its id.
type SubnetStatus struct {
	Tier string `json:"tier"`
	Zone string `json:"zone"`
	CIDR string `json:"cidr"`
	ID   string `json:"id,omitempty"`
}
