package facts

import (
	"slices"
	"strconv"
	"strings"
)

// RDSFacts: what RDS offers for the PostgreSQL engine. Owner: database layer.
type RDSFacts struct {
	Source Source `json:"source"`
	Engine string `json:"engine"`
	// Major is the only engine major the package supports (the strategy's 15).
	Major string `json:"major"`
	// DefaultVersion is the engine version new environments get.
	DefaultVersion string `json:"defaultVersion"`
	// Versions are the engine versions RDS creates (and, marked deprecated,
	// recent ones it no longer creates), with the PostGIS version RDS ships.
	Versions      []EngineVersion `json:"versions"`
	PostGISSource Source          `json:"postgisSource"`
	// ReplicaUpgrades is how RDS orders a minor engine upgrade of an
	// instance with read replicas.
	ReplicaUpgrades ReplicaUpgrades `json:"replicaUpgrades"`
	// GP3 is how RDS sizes a gp3 volume's IOPS and throughput for the engine.
	GP3 GP3Performance `json:"gp3"`
	// InstanceClasses RDS offers for the engine version in the regions used.
	InstanceClasses       []InstanceClass `json:"instanceClasses"`
	InstanceClassesSource Source          `json:"instanceClassesSource"`
	// Storage limits per storage type, as RDS states them for the engine.
	Storage       map[string]StorageLimit `json:"storage"`
	StorageSource Source                  `json:"storageSource"`
	// BackupRetentionDays is the automated backup retention RDS accepts.
	BackupRetentionDays Range `json:"backupRetentionDays"`
	// ParameterDefaults are the RDS defaults of the PostgreSQL parameters
	// the database layer sets.
	ParameterDefaults []ParameterDefault `json:"parameterDefaults"`
}

// ParameterDefault is a PostgreSQL parameter's value in RDS's default
// parameter group of the major, and when a change takes effect.
type ParameterDefault struct {
	Name    string `json:"name"`
	Default string `json:"default"`
	// Apply is dynamic (no restart) or static (only after a reboot).
	Apply  string `json:"apply"`
	Source Source `json:"source"`
}

// Parameter returns the defaults of a parameter.
func (f RDSFacts) Parameter(name string) (ParameterDefault, bool) {
	i := slices.IndexFunc(f.ParameterDefaults, func(p ParameterDefault) bool { return p.Name == name })
	if i < 0 {
		return ParameterDefault{}, false
	}
	return f.ParameterDefaults[i], true
}

// EngineVersion is one engine version.
type EngineVersion struct {
	Version string `json:"version"`
	PostGIS string `json:"postgis"`
	// Deprecated tells that RDS no longer creates instances on this version.
	Deprecated bool `json:"deprecated,omitempty"`
}

// InstanceClass is one DB instance class.
type InstanceClass struct {
	Name string `json:"name"`
	// Generation is current or previous (AWS's own classification).
	Generation string `json:"generation"`
}

// GP3Performance is a gp3 volume's baseline for RDS for PostgreSQL: fixed
// below ThresholdGiB (naming IOPS or throughput there is refused), a higher
// baseline from it on, where a value below the baseline is refused.
type GP3Performance struct {
	ThresholdGiB int      `json:"thresholdGiB"`
	Below        GP3Level `json:"below"`
	AtOrAbove    GP3Level `json:"atOrAbove"`
	// BelowThresholdError and LowIOPSError are what RDS answers.
	BelowThresholdError string `json:"belowThresholdError"`
	LowIOPSError        string `json:"lowIopsError"`
	Source              Source `json:"source"`
}

// GP3Level is a gp3 baseline.
type GP3Level struct {
	IOPS           int `json:"iops"`
	ThroughputMiBs int `json:"throughputMiBps"`
}

// StorageLimit is the allocated-storage range of a storage type, in GiB.
type StorageLimit struct {
	MinGiB int `json:"minGiB"`
	MaxGiB int `json:"maxGiB"`
}

// Range is an inclusive integer range.
type Range struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// RDS is loaded from data/rds.yaml.
var RDS = mustLoad[RDSFacts]("rds.yaml")

// Version returns the facts of an engine version.
func (f RDSFacts) Version(v string) (EngineVersion, bool) {
	i := slices.IndexFunc(f.Versions, func(e EngineVersion) bool { return e.Version == v })
	if i < 0 {
		return EngineVersion{}, false
	}
	return f.Versions[i], true
}

// CreatableVersions are the versions RDS creates today, oldest first.
func (f RDSFacts) CreatableVersions() []string {
	var out []string
	for _, v := range f.Versions {
		if !v.Deprecated {
			out = append(out, v.Version)
		}
	}
	slices.SortFunc(out, CompareVersions)
	return out
}

// CurrentClasses are the current-generation instance class names, sorted.
func (f RDSFacts) CurrentClasses() []string {
	var out []string
	for _, c := range f.InstanceClasses {
		if c.Generation == "current" {
			out = append(out, c.Name)
		}
	}
	slices.Sort(out)
	return out
}

// Class returns the facts of an instance class.
func (f RDSFacts) Class(name string) (InstanceClass, bool) {
	i := slices.IndexFunc(f.InstanceClasses, func(c InstanceClass) bool { return c.Name == name })
	if i < 0 {
		return InstanceClass{}, false
	}
	return f.InstanceClasses[i], true
}

// CompareVersions orders dotted numeric versions (15.4 < 15.15); a part that
// is not a number orders as 0.
func CompareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

// ReplicaUpgrades: RDS for PostgreSQL refuses a minor engine upgrade of a
// source while one of its read replicas runs an older minor (replicas are
// upgraded first); a major upgrade of the source upgrades its in-Region
// replicas with it.
type ReplicaUpgrades struct {
	// Code and Message of the refusal of the source's upgrade.
	Code    string `json:"code"`
	Message string `json:"message"`
	Source  Source `json:"source"`
}
