package v1alpha1

// KindDataLake is the composite resource of the data-lake layer.
const KindDataLake = "XDataLake"

// Bucket encryption modes.
const (
	EncryptionAES256 = "AES256"
	EncryptionKMS    = "aws:kms"
)

// DataLakeParameters is spec.parameters of an XDataLake: the S3 data lake,
// the ECR repositories, the app log groups and the environment's budget. The
// environment layer writes it fully resolved.
type DataLakeParameters struct {
	Owner `json:",inline"`
	// BucketSuffix, if set, is appended to every bucket name as -<suffix>.
	BucketSuffix string `json:"bucketSuffix,omitempty"`
	// Encryption is AES256 (SSE-S3) or aws:kms (a composed KMS key).
	Encryption string `json:"encryption"`
	// IntelligentTieringAfterDays moves objects to INTELLIGENT_TIERING; 0
	// means never.
	IntelligentTieringAfterDays int `json:"intelligentTieringAfterDays"`
	// GlacierAfterDays moves objects to GLACIER.
	GlacierAfterDays int `json:"glacierAfterDays"`
	// NoncurrentVersionExpirationDays deletes old object versions.
	NoncurrentVersionExpirationDays int `json:"noncurrentVersionExpirationDays"`
	// RetainOnDelete gives the buckets and their settings the Orphan
	// deletion policy.
	RetainOnDelete bool `json:"retainOnDelete"`
	// ImageRetentionCount is how many images each ECR repository keeps.
	ImageRetentionCount int `json:"imageRetentionCount"`
	// LogRetentionDays is the retention of the app log groups.
	LogRetentionDays int `json:"logRetentionDays"`
	// Budget is the environment's monthly AWS cost budget.
	Budget BudgetParameters `json:"budget"`
}

// BudgetParameters is the monthly cost budget of an environment.
type BudgetParameters struct {
	MonthlyLimitUSD int    `json:"monthlyLimitUsd"`
	AlertEmail      string `json:"alertEmail"`
}

// DataLakeOverrides are the claim's knobs for the data-lake layer.
type DataLakeOverrides struct {
	BucketSuffix                    string `json:"bucketSuffix,omitempty"`
	Encryption                      string `json:"encryption,omitempty"`
	IntelligentTieringAfterDays     *int   `json:"intelligentTieringAfterDays,omitempty"`
	GlacierAfterDays                *int   `json:"glacierAfterDays,omitempty"`
	NoncurrentVersionExpirationDays *int   `json:"noncurrentVersionExpirationDays,omitempty"`
	RetainOnDelete                  *bool  `json:"retainOnDelete,omitempty"`
	ImageRetentionCount             *int   `json:"imageRetentionCount,omitempty"`
	LogRetentionDays                *int   `json:"logRetentionDays,omitempty"`
}

// BudgetOverrides are the claim's knobs for the budget.
type BudgetOverrides struct {
	MonthlyLimitUSD *int   `json:"monthlyLimitUsd,omitempty"`
	AlertEmail      string `json:"alertEmail,omitempty"`
	// Enforce turns the budget into a hard limit: an environment whose
	// estimated maximum exceeds it is not created, and an existing one is
	// not grown. It stays on the environment: the data-lake layer's budget
	// resource only alerts.
	Enforce *bool `json:"enforce,omitempty"`
}

// BucketStatus is one data-lake bucket.
type BucketStatus struct {
	Tier string `json:"tier"`
	Name string `json:"name"`
	ARN  string `json:"arn,omitempty"`
}

// RepositoryStatus is one ECR repository.
type RepositoryStatus struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// DataLakeStatus is status of an XDataLake, copied to the Environment.
type DataLakeStatus struct {
	Buckets      []BucketStatus     `json:"buckets,omitempty"`
	Repositories []RepositoryStatus `json:"repositories,omitempty"`
	LogGroups    []string           `json:"logGroups,omitempty"`
	KMSKeyARN    string             `json:"kmsKeyArn,omitempty"`
}
