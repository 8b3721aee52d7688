package awssim

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/internal/facts"
)

// RDS rules: only engine versions RDS still creates (facts.RDS); a read
// replica fails until its source is available. Deletion protection and the
// final snapshot are checked at deletion (deletion.go).
func init() { // Rule registration.
	onCreate(gk("rds", "Instance"), rdsEngineVersion)
	onCreate(gk("rds", "Instance"), rdsReplicaSource)
	onCreate(gk("rds", "Instance"), rdsReplicasUpgradeFirst)
	onCreate(gk("rds", "Instance"), rdsGP3Performance)
}

// rdsGP3Performance: RDS for PostgreSQL refuses gp3 IOPS or throughput named
// below the threshold size, and IOPS or throughput below the higher
// baseline from it on (facts.RDS.GP3). Terraform sends them at create when
// set, and on update when they change or, with a storage change, whenever
// the new size is at or past the threshold (its resourceInstanceUpdate).
func rdsGP3Performance(a *Account, r *Resource) *AWSError {
	u, gp3 := r.Observed, a.Facts.RDS.GP3
	size, sized := forProviderNumber(u, "allocatedStorage")
	if fp(u, "storageType") != "gp3" || !sized {
		return nil
	}
	iops, iopsSet := forProviderNumber(u, "iops")
	throughput, throughputSet := forProviderNumber(u, "storageThroughput")
	changed := func(field string, v float64, set bool) bool {
		if !set {
			return false
		}
		if !r.updating {
			return true
		}
		was, ok, _ := unstructured.NestedFieldNoCopy(r.before.Object, "status", "atProvider", field)
		w, _ := number(was)
		return !ok || w != v
	}
	op := "CreateDBInstance"
	if r.updating {
		op = "ModifyDBInstance"
	}
	if size < float64(gp3.ThresholdGiB) {
		if changed("iops", iops, iopsSet) || changed("storageThroughput", throughput, throughputSet) {
			return awsErr("rds-gp3-performance", op, "InvalidParameterCombination", "%s (iops %v, storageThroughput %v at %v GiB)", gp3.BelowThresholdError, iops, throughput, size)
		}
		return nil
	}
	if (iopsSet && iops < float64(gp3.AtOrAbove.IOPS)) || (throughputSet && throughput < float64(gp3.AtOrAbove.ThroughputMiBs)) {
		return awsErr("rds-gp3-performance", op, "InvalidParameterCombination", "%s: %v (storageThroughput %v at %v GiB)", gp3.LowIOPSError, iops, throughput, size)
	}
	return nil
}

// rdsReplicasUpgradeFirst: RDS refuses a minor engine upgrade of a source
// while one of its read replicas runs an older version of the same major
// (facts.RDS.ReplicaUpgrades). A version not above what runs asks nothing:
// provider-aws drops it from the diff (config/rds/config.go).
func rdsReplicasUpgradeFirst(a *Account, r *Resource) *AWSError {
	if !r.updating || fp(r.Observed, "replicateSourceDb") != "" {
		return nil
	}
	want := fp(r.Observed, "engineVersion")
	was, _, _ := unstructured.NestedString(r.before.Object, "status", "atProvider", "engineVersionActual")
	if want == "" || was == "" || facts.CompareVersions(want, was) <= 0 {
		return nil
	}
	for _, x := range a.res {
		if x.Kind != r.Kind || !x.inAWS() || a.refTarget(x, "replicateSourceDb") != r {
			continue
		}
		runs, _, _ := unstructured.NestedString(x.Observed.Object, "status", "atProvider", "engineVersionActual")
		if runs != "" && majorOf(runs) == majorOf(want) && facts.CompareVersions(runs, want) < 0 {
			u := a.Facts.RDS.ReplicaUpgrades
			return awsErr("rds-replicas-upgrade-first", "ModifyDBInstance", u.Code, "%s: %s runs %s, below %s", u.Message, fp(x.Observed, "identifier"), runs, want)
		}
	}
	return nil
}

// majorOf is the major of a PostgreSQL version ("15" of "15.15").
func majorOf(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}

func rdsEngineVersion(a *Account, r *Resource) *AWSError {
	u := r.Observed
	if fp(u, "replicateSourceDb") != "" && fp(u, "engineVersion") == "" {
		return nil // A replica runs its source's version.
	}
	engine, version := fp(u, "engine"), fp(u, "engineVersion")
	if engine == "" {
		engine = a.Facts.RDS.Engine
	}
	if engine != a.Facts.RDS.Engine {
		return awsErr("rds-engine-version", "CreateDBInstance", "InvalidParameterValue", "the simulator only knows engine %q (facts.RDS), not %q", a.Facts.RDS.Engine, engine)
	}
	for _, v := range a.Facts.RDS.Versions {
		if v.Version == version && !v.Deprecated {
			return nil
		}
	}
	// A major-only version ("15") makes RDS pick the default minor.
	if version == a.Facts.RDS.Major {
		return nil
	}
	return awsErr("rds-engine-version", "CreateDBInstance", "InvalidParameterCombination", "Cannot find version %s for %s", version, engine)
}

func rdsReplicaSource(a *Account, r *Resource) *AWSError {
	if fp(r.Observed, "replicateSourceDb") == "" {
		return nil
	}
	src := a.refTarget(r, "replicateSourceDb")
	if src != nil && src.State == StateAvailable {
		return nil
	}
	name := fp(r.Observed, "replicateSourceDb")
	state := "not found"
	if src != nil {
		state = string(src.State)
	}
	return awsErr("rds-replica-source", "CreateDBInstanceReadReplica", "InvalidDBInstanceState",
		"DB Instance %s is not in an available state (it is %s); a read replica needs an available source", name, state)
}

func boolField(u *unstructured.Unstructured, path ...string) (bool, bool) {
	b, ok, _ := unstructured.NestedBool(u.Object, append([]string{"spec", "forProvider"}, path...)...)
	return b, ok
}
