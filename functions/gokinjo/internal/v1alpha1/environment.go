package v1alpha1

// EnvironmentParameters is spec.parameters of an XEnvironment and of its
// claim, Environment. Everything but Environment is optional: an unset field
// takes the value of the environment's preset.
type EnvironmentParameters struct {
	// Environment picks the preset: dev, staging or prod.
	Environment string `json:"environment"`
	// Region is the AWS region every managed resource lives in.
	Region string `json:"region,omitempty"`
	// ProviderConfigName is the provider-aws ProviderConfig to use.
	ProviderConfigName string `json:"providerConfigName,omitempty"`
	// Network overrides the preset of the network layer.
	Network *NetworkOverrides `json:"network,omitempty"`
	// Cluster overrides the preset of the cluster layer.
	Cluster *ClusterOverrides `json:"cluster,omitempty"`
	// Database overrides the preset of the database layer.
	Database *DatabaseOverrides `json:"database,omitempty"`
	// DataLake overrides the preset of the data-lake layer.
	DataLake *DataLakeOverrides `json:"dataLake,omitempty"`
	// Budget overrides the monthly cost budget.
	Budget *BudgetOverrides `json:"budget,omitempty"`
	// Workloads overrides the preset of the workloads layer.
	Workloads *WorkloadsOverrides `json:"workloads,omitempty"`
}

// NetworkOverrides are the claim's knobs for the network layer.
type NetworkOverrides struct {
	CIDR              string   `json:"cidr,omitempty"`
	AvailabilityZones []string `json:"availabilityZones,omitempty"`
	// NATGateways is Single (one shared gateway) or OnePerAZ.
	NATGateways string `json:"natGateways,omitempty"`
	// S3GatewayEndpoint adds a gateway endpoint for S3 to private and
	// database route tables, so data-lake traffic skips the NAT gateways.
	S3GatewayEndpoint *bool `json:"s3GatewayEndpoint,omitempty"`
}

// EnvironmentStatus is status of an XEnvironment, copied to its claim.
type EnvironmentStatus struct {
	// NamePrefix starts the name of every AWS resource of the environment
	// (docs/naming.md), so users can find them in the AWS console.
	NamePrefix string           `json:"namePrefix,omitempty"`
	Network    *NetworkStatus   `json:"network,omitempty"`
	Cluster    *ClusterStatus   `json:"cluster,omitempty"`
	Database   *DatabaseStatus  `json:"database,omitempty"`
	DataLake   *DataLakeStatus  `json:"dataLake,omitempty"`
	Workloads  *WorkloadsStatus `json:"workloads,omitempty"`
	// Cost is the estimated monthly cost, from the resolved parameters.
	Cost *CostStatus `json:"cost,omitempty"`
}

// CostStatus is the estimated monthly AWS cost of an environment, in whole
// USD, computed from the resolved parameters (not from AWS), so it is known
// before anything exists.
type CostStatus struct {
	Currency string `json:"currency"`
	// PricesDate is the date of the price list the estimate uses.
	PricesDate string `json:"pricesDate"`
	// MinUSD is the monthly estimate with every node group at its minSize
	// and storage at its initial size; MaxUSD at maxSize and the storage
	// autoscaling limit.
	MinUSD int                 `json:"minUsd"`
	MaxUSD int                 `json:"maxUsd"`
	Layers []LayerCostStatus   `json:"layers"`
	Budget BudgetVerdictStatus `json:"budget"`
	// Unpriced names what has no price: the estimate leaves it out.
	Unpriced []string `json:"unpriced,omitempty"`
}

// LayerCostStatus is one layer's share of the estimate.
type LayerCostStatus struct {
	Name   string `json:"name"`
	MinUSD int    `json:"minUsd"`
	MaxUSD int    `json:"maxUsd"`
}

// BudgetVerdictStatus compares the estimate with the budget.
type BudgetVerdictStatus struct {
	MonthlyLimitUSD int  `json:"monthlyLimitUsd"`
	Enforced        bool `json:"enforced"`
	// Verdict is WithinBudget, OverBudgetAtMax or OverBudget.
	Verdict string `json:"verdict"`
	// TopContributors are the biggest items, biggest first.
	TopContributors []string `json:"topContributors,omitempty"`
	// Held names the increases refused by the hard limit on an existing
	// environment: those layers keep their existing sizes.
	Held []string `json:"held,omitempty"`
}
