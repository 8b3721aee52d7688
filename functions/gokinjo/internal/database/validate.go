package database

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Limits of RDS for PostgreSQL on gp3 storage.
const (
	MinStorageGiB        = 20
	MaxStorageGiB        = 65536
	MinBackupRetention   = 1
	MaxBackupRetention   = 35
	PostgresMajor        = "15"
	ParameterGroupFamily = "postgres" + PostgresMajor
)

// smallClass matches the micro and small burstable classes. The platform's
// rule (docs/database-layer.md): they are for throwaway experiments only, so
// Multi-AZ and read replicas need at least a medium class.
var smallClass = regexp.MustCompile(`^db\.t[0-9]g?\.(micro|small)$`)

var instanceClass = regexp.MustCompile(`^db\.[a-z0-9-]+\.[a-z0-9]+$`)

// Validate checks resolved database parameters. prefix is the path of the
// parameters in the object being composed (spec.parameters. of an XDatabase,
// spec.parameters.database. of an Environment), so the error names the
// field the user set.
func Validate(p v1alpha1.DatabaseParameters, prefix string) error {
	if !strings.HasPrefix(p.EngineVersion, PostgresMajor+".") {
		return fmt.Errorf("%sengineVersion: %q is not a PostgreSQL %s version: the parameter group family is %s", prefix, p.EngineVersion, PostgresMajor, ParameterGroupFamily)
	}
	if !instanceClass.MatchString(p.InstanceClass) {
		return fmt.Errorf("%sinstanceClass: %q is not an RDS instance class such as db.t3.medium", prefix, p.InstanceClass)
	}
	if p.AllocatedStorage < MinStorageGiB || p.AllocatedStorage > MaxStorageGiB {
		return fmt.Errorf("%sallocatedStorage: %d GiB is outside %d-%d GiB, the gp3 limits of RDS for PostgreSQL", prefix, p.AllocatedStorage, MinStorageGiB, MaxStorageGiB)
	}
	if min := p.AllocatedStorage + (p.AllocatedStorage+9)/10; p.MaxAllocatedStorage < min || p.MaxAllocatedStorage > MaxStorageGiB {
		return fmt.Errorf("%smaxAllocatedStorage: %d GiB must be at least 10%% above allocatedStorage (%d GiB or more) and at most %d GiB", prefix, p.MaxAllocatedStorage, min, MaxStorageGiB)
	}
	if p.BackupRetentionDays < MinBackupRetention || p.BackupRetentionDays > MaxBackupRetention {
		return fmt.Errorf("%sbackupRetentionDays: %d is outside %d-%d days", prefix, p.BackupRetentionDays, MinBackupRetention, MaxBackupRetention)
	}
	if smallClass.MatchString(p.InstanceClass) {
		if p.MultiAZ {
			return fmt.Errorf("%smultiAz: instance class %s is too small for Multi-AZ on this platform: use db.t3.medium or larger, or set multiAz false", prefix, p.InstanceClass)
		}
		if p.ReadReplica {
			return fmt.Errorf("%sreadReplica: instance class %s is too small for a read replica on this platform: use db.t3.medium or larger, or set readReplica false", prefix, p.InstanceClass)
		}
	}
	return nil
}
