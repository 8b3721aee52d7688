package facts

import (
	"strings"
	"testing"
)

func TestRDSFacts(t *testing.T) {
	if RDS.ReplicaUpgrades.Code == "" || RDS.ReplicaUpgrades.Message == "" {
		t.Error("replicaUpgrades: code and message must be set")
	}
	for what, s := range map[string]Source{"rds": RDS.Source, "postgis": RDS.PostGISSource, "classes": RDS.InstanceClassesSource, "storage": RDS.StorageSource, "replicaUpgrades": RDS.ReplicaUpgrades.Source} {
		checkSource(t, "rds.yaml "+what, s)
	}
	d, ok := RDS.Version(RDS.DefaultVersion)
	if !ok || d.Deprecated {
		t.Errorf("defaultVersion %s must be a version RDS still creates", RDS.DefaultVersion)
	}
	for _, v := range RDS.Versions {
		if !strings.HasPrefix(v.Version, RDS.Major+".") {
			t.Errorf("version %s is not of major %s", v.Version, RDS.Major)
		}
		if !v.Deprecated && CompareVersions(v.PostGIS, "3.3") < 0 {
			t.Errorf("version %s ships PostGIS %s; the platform needs 3.3 or later", v.Version, v.PostGIS)
		}
	}
	if len(RDS.CreatableVersions()) == 0 || len(RDS.CurrentClasses()) == 0 {
		t.Error("no creatable version or no current-generation class")
	}
	for _, c := range RDS.InstanceClasses {
		if c.Generation != "current" && c.Generation != "previous" {
			t.Errorf("class %s: generation %q is not current or previous", c.Name, c.Generation)
		}
	}
	gp3, ok := RDS.Storage["gp3"]
	if !ok || gp3.MinGiB <= 0 || gp3.MaxGiB <= gp3.MinGiB {
		t.Errorf("gp3 storage limits %+v", gp3)
	}
	if r := RDS.BackupRetentionDays; r.Min < 1 || r.Max < r.Min {
		t.Errorf("backup retention %+v", r)
	}
	for _, p := range RDS.ParameterDefaults {
		checkSource(t, "rds.yaml parameterDefaults "+p.Name, p.Source)
		if p.Apply != "dynamic" && p.Apply != "static" {
			t.Errorf("parameter %s: apply %q is not dynamic or static", p.Name, p.Apply)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		sign int
	}{{"15.4", "15.15", -1}, {"15.15", "15.15", 0}, {"16.1", "15.15", 1}, {"3.4", "3.3.3", 1}} {
		got := CompareVersions(c.a, c.b)
		if (got < 0 && c.sign >= 0) || (got > 0 && c.sign <= 0) || (got == 0 && c.sign != 0) {
			t.Errorf("CompareVersions(%s, %s) = %d, want sign %d", c.a, c.b, got, c.sign)
		}
	}
}
