package facts

// RDSFacts: what RDS offers for the PostgreSQL engine. Owner: database layer.
type RDSFacts struct {
	Source Source `json:"source"`
	Engine string `json:"engine"`
	// Major is the only engine major the package supports (the strategy's 15).
	Major string `json:"major"`
	// DefaultVersion is the engine version new environments get.
	DefaultVersion string `json:"defaultVersion"`
	// Versions are the engine versions RDS still creates, with the PostGIS
	// version RDS ships for each.
	Versions []EngineVersion `json:"versions"`
	// InstanceClasses RDS offers for the engine version in the regions used.
	InstanceClasses []InstanceClass `json:"instanceClasses"`
	// Storage limits per storage type, as RDS states them for the engine.
	Storage map[string]StorageLimit `json:"storage"`
}

// EngineVersion is one creatable engine version.
type EngineVersion struct {
	Version string `json:"version"`
	PostGIS string `json:"postgis"`
	// Deprecated: RDS no longer creates instances on this version.
	Deprecated bool `json:"deprecated,omitempty"`
}

// InstanceClass is one DB instance class.
type InstanceClass struct {
	Name string `json:"name"`
	// Generation is current or previous (AWS's own classification).
	Generation string `json:"generation"`
}

// StorageLimit is the allocated-storage range of a storage type, in GiB.
type StorageLimit struct {
	MinGiB int `json:"minGiB"`
	MaxGiB int `json:"maxGiB"`
}

// RDS is loaded from data/rds.yaml.
var RDS = mustLoad[RDSFacts]("rds.yaml")
