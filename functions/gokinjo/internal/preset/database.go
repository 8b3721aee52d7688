package preset

import (
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// PostgresEngineVersion is the default PostgreSQL minor version: the one the
// RDS facts name (a 15.x minor RDS still creates, with PostGIS 3.3 or later;
// internal/facts/data/rds.yaml, docs/database-layer.md).
var PostgresEngineVersion = facts.RDS.DefaultVersion

// Database is the database layer's part of a preset.
type Database struct {
	InstanceClass       string
	AllocatedStorage    int
	MaxAllocatedStorage int
	MultiAZ             bool
	ReadReplica         bool
	DeletionProtection  bool
	BackupRetentionDays int
	// LogRetentionDays of the RDS log groups (a CloudWatch retention value).
	LogRetentionDays int
}

// databasePresets follow the strategy: dev single-AZ db.t3.medium, staging
// Multi-AZ db.t3.large, prod Multi-AZ with a read replica. Prod runs
// db.r6g.large (current-generation Graviton2, 2 vCPU / 16 GiB like the
// strategy's previous-generation db.r5.large, and cheaper per hour). Log
// retention follows the data-lake presets (7, 30, 90 days).
var databasePresets = map[string]Database{
	v1alpha1.EnvDev: {
		InstanceClass: "db.t3.medium", AllocatedStorage: 50, MaxAllocatedStorage: 100,
		BackupRetentionDays: 7, LogRetentionDays: 7,
	},
	v1alpha1.EnvStaging: {
		InstanceClass: "db.t3.large", AllocatedStorage: 100, MaxAllocatedStorage: 200,
		MultiAZ: true, BackupRetentionDays: 7, LogRetentionDays: 30,
	},
	v1alpha1.EnvProd: {
		InstanceClass: "db.r6g.large", AllocatedStorage: 200, MaxAllocatedStorage: 500,
		MultiAZ: true, ReadReplica: true, DeletionProtection: true, BackupRetentionDays: 7, LogRetentionDays: 90,
	},
}

// ResolveDatabase resolves the database layer's parameters: claim override,
// else preset. clientSG is the EKS cluster security group once observed.
func ResolveDatabase(owner v1alpha1.Owner, o *v1alpha1.DatabaseOverrides, clientSG string) v1alpha1.DatabaseParameters {
	pre := databasePresets[owner.Environment]
	if o == nil {
		o = &v1alpha1.DatabaseOverrides{}
	}
	return v1alpha1.DatabaseParameters{
		Owner:                 owner,
		EngineVersion:         or(o.EngineVersion, PostgresEngineVersion),
		InstanceClass:         or(o.InstanceClass, pre.InstanceClass),
		AllocatedStorage:      orInt(o.AllocatedStorage, pre.AllocatedStorage),
		MaxAllocatedStorage:   orInt(o.MaxAllocatedStorage, pre.MaxAllocatedStorage),
		MultiAZ:               orBool(o.MultiAZ, pre.MultiAZ),
		ReadReplica:           orBool(o.ReadReplica, pre.ReadReplica),
		DeletionProtection:    orBool(o.DeletionProtection, pre.DeletionProtection),
		BackupRetentionDays:   orInt(o.BackupRetentionDays, pre.BackupRetentionDays),
		LogRetentionDays:      pre.LogRetentionDays,
		ClientSecurityGroupID: clientSG,
	}
}

func orBool(v *bool, def bool) bool {
	if v != nil {
		return *v
	}
	return def
}
