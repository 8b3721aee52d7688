package database

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// Engine and storage facts of RDS for PostgreSQL (internal/facts/data/rds.yaml).
var (
	PostgresMajor        = facts.RDS.Major
	ParameterGroupFamily = "postgres" + PostgresMajor
	gp3                  = facts.RDS.Storage[StorageType]
	backupDays           = facts.RDS.BackupRetentionDays
)

// StorageType of every instance.
const StorageType = "gp3"

// smallClass matches the micro and small burstable classes. The platform's
// rule (docs/database-layer.md): they are for throwaway experiments only, so
// Multi-AZ and read replicas need at least a medium class.
var smallClass = regexp.MustCompile(`^db\.t[0-9]g?\.(micro|small)$`)

// Validate checks resolved database parameters against the RDS facts. prefix
// is the path of the parameters in the object being composed
// (spec.parameters. of an XDatabase, spec.parameters.database. of an
// Environment), so the error names the field the user set.
func Validate(p v1alpha1.DatabaseParameters, prefix string) error {
	if err := validateVersion(p.EngineVersion, prefix); err != nil {
		return err
	}
	if err := validateClass(p.InstanceClass, prefix); err != nil {
		return err
	}
	if p.AllocatedStorage < gp3.MinGiB || p.AllocatedStorage > gp3.MaxGiB {
		return fmt.Errorf("%sallocatedStorage: %d GiB is outside %d-%d GiB, the %s limits of RDS for PostgreSQL: set a value in that range", prefix, p.AllocatedStorage, gp3.MinGiB, gp3.MaxGiB, StorageType)
	}
	// Storage autoscaling needs its limit at least 10% above the allocation.
	if min := p.AllocatedStorage + (p.AllocatedStorage+9)/10; p.MaxAllocatedStorage < min || p.MaxAllocatedStorage > gp3.MaxGiB {
		if min > gp3.MaxGiB {
			return fmt.Errorf("%sallocatedStorage: %d GiB leaves no room for storage autoscaling below the %d GiB limit: set allocatedStorage to %d GiB or less", prefix, p.AllocatedStorage, gp3.MaxGiB, gp3.MaxGiB*10/11)
		}
		return fmt.Errorf("%smaxAllocatedStorage: %d GiB must be at least 10%% above allocatedStorage (%d GiB or more) and at most %d GiB", prefix, p.MaxAllocatedStorage, min, gp3.MaxGiB)
	}
	if p.BackupRetentionDays < backupDays.Min || p.BackupRetentionDays > backupDays.Max {
		return fmt.Errorf("%sbackupRetentionDays: %d is outside %d-%d days, the automated backup retention RDS accepts", prefix, p.BackupRetentionDays, backupDays.Min, backupDays.Max)
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

// validateVersion allows only the PostgreSQL 15 minors RDS still creates.
func validateVersion(v, prefix string) error {
	allowed := strings.Join(facts.RDS.CreatableVersions(), ", ")
	if !strings.HasPrefix(v, PostgresMajor+".") {
		return fmt.Errorf("%sengineVersion: %q is not a PostgreSQL %s version (the parameter group family is %s): use one of %s", prefix, v, PostgresMajor, ParameterGroupFamily, allowed)
	}
	e, ok := facts.RDS.Version(v)
	switch {
	case !ok:
		return fmt.Errorf("%sengineVersion: %q is not a PostgreSQL version RDS creates: use one of %s", prefix, v, allowed)
	case e.Deprecated:
		return fmt.Errorf("%sengineVersion: RDS no longer creates PostgreSQL %s instances: use one of %s", prefix, v, allowed)
	}
	return nil
}

// validateClass allows only current-generation classes RDS offers for the engine.
func validateClass(c, prefix string) error {
	allowed := facts.RDS.CurrentClasses()
	if slices.Contains(allowed, c) {
		return nil
	}
	if k, ok := facts.RDS.Class(c); ok && k.Generation != "current" {
		return fmt.Errorf("%sinstanceClass: %s is a previous-generation class: use a current one, for example %s", prefix, c, strings.Join(allowed, ", "))
	}
	return fmt.Errorf("%sinstanceClass: %q is not an RDS for PostgreSQL instance class this platform offers: use one of %s", prefix, c, strings.Join(allowed, ", "))
}
