package v1alpha1

// KindDatabase is the composite resource of the database layer.
const KindDatabase = "XDatabase"

// DatabaseParameters is spec.parameters of an XDatabase. The environment
// layer writes it fully resolved (preset merged with the claim's overrides).
type DatabaseParameters struct {
	Owner `json:",inline"`
	// EngineVersion is the PostgreSQL 15 minor version (docs/database-layer.md).
	EngineVersion string `json:"engineVersion"`
	// InstanceClass is the RDS instance class, db.t3.medium say.
	InstanceClass string `json:"instanceClass"`
	// AllocatedStorage is the initial gp3 storage in GiB (at least 20).
	AllocatedStorage int `json:"allocatedStorage"`
	// MaxAllocatedStorage is the storage autoscaling limit in GiB.
	MaxAllocatedStorage int `json:"maxAllocatedStorage"`
	// MultiAZ keeps a synchronous standby in another zone.
	MultiAZ bool `json:"multiAz"`
	// ReadReplica adds an asynchronous read replica.
	ReadReplica bool `json:"readReplica"`
	// DeletionProtection turns on RDS deletion protection and the Orphan
	// deletion policy on everything the layer composes.
	DeletionProtection bool `json:"deletionProtection"`
	// FinalSnapshot makes RDS take a final snapshot when the instance is
	// deleted, keep its automated backups, and keeps the layer's KMS key
	// (which encrypts both). Nil (XDatabases written before the field
	// existed) follows DeletionProtection, what such an XDatabase meant.
	FinalSnapshot *bool `json:"finalSnapshot,omitempty"`
	// BackupRetentionDays is 1 to 35.
	BackupRetentionDays int `json:"backupRetentionDays"`
	// LogRetentionDays of the RDS log groups the instance exports to; 0
	// (XDatabases written before the field existed) means 30.
	LogRetentionDays int `json:"logRetentionDays,omitempty"`
	// ClientSecurityGroupID is the EKS cluster security group allowed to
	// reach PostgreSQL. Empty until the cluster layer reports it: until then
	// no ingress rule is composed at all.
	ClientSecurityGroupID string `json:"clientSecurityGroupId,omitempty"`
}

// DatabaseOverrides are the claim's knobs for the database layer.
type DatabaseOverrides struct {
	EngineVersion       string `json:"engineVersion,omitempty"`
	InstanceClass       string `json:"instanceClass,omitempty"`
	AllocatedStorage    *int   `json:"allocatedStorage,omitempty"`
	MaxAllocatedStorage *int   `json:"maxAllocatedStorage,omitempty"`
	MultiAZ             *bool  `json:"multiAz,omitempty"`
	ReadReplica         *bool  `json:"readReplica,omitempty"`
	DeletionProtection  *bool  `json:"deletionProtection,omitempty"`
	FinalSnapshot       *bool  `json:"finalSnapshot,omitempty"`
	BackupRetentionDays *int   `json:"backupRetentionDays,omitempty"`
}

// TakesFinalSnapshot tells whether deleting the instance takes a final
// snapshot (FinalSnapshot, or DeletionProtection where it is unset).
func (p DatabaseParameters) TakesFinalSnapshot() bool {
	if p.FinalSnapshot != nil {
		return *p.FinalSnapshot
	}
	return p.DeletionProtection
}

// SecretReference names a Kubernetes secret.
type SecretReference struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

// DatabaseStatus is status of an XDatabase, copied to the Environment.
type DatabaseStatus struct {
	// Endpoint is host:port of the primary.
	Endpoint string `json:"endpoint,omitempty"`
	// Address is the host name of the primary.
	Address string `json:"address,omitempty"`
	// ReaderEndpoint is host:port of the read replica, or of the primary
	// when there is no replica.
	ReaderEndpoint string `json:"readerEndpoint,omitempty"`
	Port           int    `json:"port,omitempty"`
	// ConnectionSecret holds endpoint, address, port and username.
	ConnectionSecret *SecretReference `json:"connectionSecret,omitempty"`
	// MasterUserSecretARN is the Secrets Manager secret RDS manages with the
	// master password.
	MasterUserSecretARN string `json:"masterUserSecretArn,omitempty"`
	// ClientIngress tells whether the ingress rule for the EKS cluster
	// security group exists (observed ready), not merely composed.
	ClientIngress bool `json:"clientIngress"`
}
