package database

import "github.com/gokinjo/platform/internal/facts"

// Engine upgrades with a read replica follow RDS for PostgreSQL's order
// (facts rds.yaml replicaUpgrades): a minor upgrade goes to every replica
// first, and the source is refused (DBUpgradeDependencyFailure) while a
// replica runs an older minor. Only minors of one major are accepted
// (validate.go: the parameter group's family is fixed).

// versions is what each instance is asked to run in this reconcile, and
// what an upgrade under way waits for ("" if nothing).
type versions struct {
	primary, replica string
	waiting          string
}

// engineVersions orders an upgrade between the primary and its replica.
// Without a replica, or with nothing observed yet, both run the claim's
// version (a new replica starts at its source's).
func (d *database) engineVersions() versions {
	want := d.p.EngineVersion
	v := versions{primary: want, replica: want}
	if !d.p.ReadReplica || !d.s.ObservedExists(compReplica) {
		if running := d.running(compInstance); running != "" && d.p.ReadReplica {
			v.replica = running // A replica is created at its source's version.
		}
		return v
	}
	replica := d.running(compReplica)
	switch {
	case replica == "":
		// Not reported yet: ask the primary for nothing new.
		v.primary, v.replica = d.asked(compInstance, want), d.asked(compReplica, want)
	case facts.CompareVersions(replica, want) < 0:
		// A minor upgrade: the replica first, the primary once it runs it.
		// A warning, not a wait: both instances run and serve meanwhile
		// (in prod the two steps take two maintenance windows).
		v.primary = d.asked(compInstance, want)
		v.waiting = "database.engineVersion: upgrading to " + want + ": the read replica upgrades first (RDS refuses the source's minor upgrade until its replicas run it), then the primary"
	}
	return v
}

// running is the engine version an instance reports, "" before it does.
func (d *database) running(comp string) string {
	if v := d.s.ObservedString(comp, "status.atProvider.engineVersionActual"); v != "" {
		return v
	}
	return d.s.ObservedString(comp, "spec.forProvider.engineVersion")
}

// asked is the version last asked of an instance, or def if none was.
func (d *database) asked(comp, def string) string {
	if v := d.s.ObservedString(comp, "spec.forProvider.engineVersion"); v != "" {
		return v
	}
	return def
}
