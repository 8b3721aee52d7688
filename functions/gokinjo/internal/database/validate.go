package database

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

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

// Validate checks resolved database parameters against the RDS facts; path
// is where they sit in the object the user wrote (spec.parameters of an
// XDatabase, spec.parameters.database of an Environment).
func Validate(p v1alpha1.DatabaseParameters, path *field.Path) field.ErrorList {
	errs := validateVersion(p.EngineVersion, path.Child("engineVersion"))
	errs = append(errs, validateClass(p.InstanceClass, path.Child("instanceClass"))...)
	storage, maxStorage := path.Child("allocatedStorage"), path.Child("maxAllocatedStorage")
	// Storage autoscaling needs its limit at least 10% above the allocation.
	minMax := p.AllocatedStorage + (p.AllocatedStorage+9)/10
	switch {
	case p.AllocatedStorage < gp3.MinGiB || p.AllocatedStorage > gp3.MaxGiB:
		errs = append(errs, field.Invalid(storage, p.AllocatedStorage, fmt.Sprintf("outside %d-%d GiB, the %s limits of RDS for PostgreSQL: set a value in that range", gp3.MinGiB, gp3.MaxGiB, StorageType)))
	case minMax > gp3.MaxGiB:
		errs = append(errs, field.Invalid(storage, p.AllocatedStorage, fmt.Sprintf("%d GiB leaves no room for storage autoscaling below the %d GiB limit: set allocatedStorage to %d GiB or less", p.AllocatedStorage, gp3.MaxGiB, gp3.MaxGiB*10/11)))
	case p.MaxAllocatedStorage < minMax || p.MaxAllocatedStorage > gp3.MaxGiB:
		errs = append(errs, field.Invalid(maxStorage, p.MaxAllocatedStorage, fmt.Sprintf("must be at least 10%% above allocatedStorage (%d GiB or more) and at most %d GiB", minMax, gp3.MaxGiB)))
	}
	if p.BackupRetentionDays < backupDays.Min || p.BackupRetentionDays > backupDays.Max {
		errs = append(errs, field.Invalid(path.Child("backupRetentionDays"), p.BackupRetentionDays, fmt.Sprintf("outside %d-%d days, the automated backup retention RDS accepts", backupDays.Min, backupDays.Max)))
	}
	if smallClass.MatchString(p.InstanceClass) {
		if p.MultiAZ {
			errs = append(errs, field.Invalid(path.Child("multiAz"), p.MultiAZ, fmt.Sprintf("instance class %s is too small for Multi-AZ on this platform: use db.t3.medium or larger, or set multiAz false", p.InstanceClass)))
		}
		if p.ReadReplica {
			errs = append(errs, field.Invalid(path.Child("readReplica"), p.ReadReplica, fmt.Sprintf("instance class %s is too small for a read replica on this platform: use db.t3.medium or larger, or set readReplica false", p.InstanceClass)))
		}
	}
	return errs
}

// validateVersion allows only the PostgreSQL 15 minors RDS still creates.
func validateVersion(v string, path *field.Path) field.ErrorList {
	use := "use one of " + strings.Join(facts.RDS.CreatableVersions(), ", ")
	if !strings.HasPrefix(v, PostgresMajor+".") {
		return field.ErrorList{field.Invalid(path, v, fmt.Sprintf("not a PostgreSQL %s version (the parameter group family is %s): %s", PostgresMajor, ParameterGroupFamily, use))}
	}
	e, ok := facts.RDS.Version(v)
	switch {
	case !ok:
		return field.ErrorList{field.Invalid(path, v, "not a PostgreSQL version RDS creates: "+use)}
	case e.Deprecated:
		return field.ErrorList{field.Invalid(path, v, "RDS no longer creates instances of this version: "+use)}
	}
	return nil
}

// validateClass allows only current-generation classes RDS offers for the engine.
func validateClass(c string, path *field.Path) field.ErrorList {
	allowed := strings.Join(facts.RDS.CurrentClasses(), ", ")
	if slices.Contains(facts.RDS.CurrentClasses(), c) {
		return nil
	}
	if k, ok := facts.RDS.Class(c); ok && k.Generation != "current" {
		return field.ErrorList{field.Invalid(path, c, "a previous-generation class: use a current one, for example "+allowed)}
	}
	return field.ErrorList{field.Invalid(path, c, "not an RDS for PostgreSQL instance class this platform offers: use one of "+allowed)}
}
