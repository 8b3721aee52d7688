package facts

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// schemaProps returns the properties under spec.parameters (and deeper, by
// path) of the first version of an XRD file.
func schemaProps(t *testing.T, file string, path ...string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "apis", file))
	if err != nil {
		t.Fatal(err)
	}
	var xrd map[string]any
	if err := yaml.Unmarshal(b, &xrd); err != nil {
		t.Fatal(err)
	}
	v := xrd["spec"].(map[string]any)["versions"].([]any)[0].(map[string]any)["schema"].(map[string]any)["openAPIV3Schema"]
	for _, p := range append([]string{"spec", "parameters"}, path...) {
		v = v.(map[string]any)["properties"].(map[string]any)[p]
	}
	return v.(map[string]any)
}

func prop(t *testing.T, props map[string]any, name string) map[string]any {
	t.Helper()
	p, ok := props["properties"].(map[string]any)[name].(map[string]any)
	if !ok {
		t.Fatalf("no property %s", name)
	}
	return p
}

func enum(p map[string]any) []string {
	var out []string
	l, _ := p["enum"].([]any)
	for _, v := range l {
		out = append(out, v.(string))
	}
	slices.Sort(out)
	return out
}

// zoneList finds the zone allow-list literal in the CEL rules of an object.
var zoneList = regexp.MustCompile(`z in \[([^\]]*)\]`)

func celZones(t *testing.T, props map[string]any) []string {
	t.Helper()
	rules, _ := props["x-kubernetes-validations"].([]any)
	for _, r := range rules {
		m := zoneList.FindStringSubmatch(r.(map[string]any)["rule"].(string))
		if m == nil {
			continue
		}
		var out []string
		for _, z := range strings.Split(m[1], ",") {
			out = append(out, strings.Trim(strings.TrimSpace(z), "'"))
		}
		slices.Sort(out)
		return out
	}
	t.Fatal("no zone allow-list rule")
	return nil
}

// TestXRDsMatchRegionAndRDSFacts: the XRD allow-lists are the facts. A bump
// changes internal/facts/data; this test then names every XRD line to update.
func TestXRDsMatchRegionAndRDSFacts(t *testing.T) {
	regions := Regions.Names()
	zones := Regions.AllZones()
	versions := RDS.CreatableVersions()
	slices.Sort(versions)
	classes := RDS.CurrentClasses()
	gp3 := RDS.Storage["gp3"]

	env := schemaProps(t, "environment/definition.yaml")
	db := schemaProps(t, "database/definition.yaml")
	net := schemaProps(t, "network/definition.yaml")
	envDB := prop(t, env, "database")

	lists := map[string][2][]string{
		"environment region":                 {regions, enum(prop(t, env, "region"))},
		"network region":                     {regions, enum(prop(t, net, "region"))},
		"database region":                    {regions, enum(prop(t, db, "region"))},
		"environment database.engineVersion": {versions, enum(prop(t, envDB, "engineVersion"))},
		"database engineVersion":             {versions, enum(prop(t, db, "engineVersion"))},
		"environment database.instanceClass": {classes, enum(prop(t, envDB, "instanceClass"))},
		"database instanceClass":             {classes, enum(prop(t, db, "instanceClass"))},
		"environment network zone rule":      {zones, celZones(t, env)},
		"network zone rule":                  {zones, celZones(t, net)},
	}
	for what, l := range lists {
		if !slices.Equal(l[0], l[1]) {
			t.Errorf("%s: the XRD allows %v, the facts say %v: update the XRD", what, l[1], l[0])
		}
	}
	bounds := map[string]struct {
		p        map[string]any
		min, max float64
	}{
		"environment database.allocatedStorage":    {prop(t, envDB, "allocatedStorage"), float64(gp3.MinGiB), float64(gp3.MaxGiB)},
		"database allocatedStorage":                {prop(t, db, "allocatedStorage"), float64(gp3.MinGiB), float64(gp3.MaxGiB)},
		"environment database.backupRetentionDays": {prop(t, envDB, "backupRetentionDays"), float64(RDS.BackupRetentionDays.Min), float64(RDS.BackupRetentionDays.Max)},
		"database backupRetentionDays":             {prop(t, db, "backupRetentionDays"), float64(RDS.BackupRetentionDays.Min), float64(RDS.BackupRetentionDays.Max)},
	}
	for what, b := range bounds {
		if b.p["minimum"] != b.min || b.p["maximum"] != b.max {
			t.Errorf("%s: the XRD bounds are %v-%v, the facts say %v-%v: update the XRD", what, b.p["minimum"], b.p["maximum"], b.min, b.max)
		}
	}
	for what, p := range map[string]map[string]any{"environment": prop(t, envDB, "maxAllocatedStorage"), "database": prop(t, db, "maxAllocatedStorage")} {
		if p["maximum"] != float64(gp3.MaxGiB) {
			t.Errorf("%s maxAllocatedStorage: XRD maximum %v, facts %d", what, p["maximum"], gp3.MaxGiB)
		}
	}
}
