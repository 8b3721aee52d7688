package facts

// CrossplaneFacts: what the pinned Crossplane core exports and accepts, for the
// management-cluster ops pack (alert rules, dashboard, tuned settings).
type CrossplaneFacts struct {
	Version string `json:"version"`
	// Metrics maps a Prometheus metric name Crossplane core exports to its labels.
	Metrics map[string][]string `json:"metrics"`
	Source  Source              `json:"source"`
}

// Crossplane is loaded from data/crossplane.yaml.
var Crossplane = mustLoad[CrossplaneFacts]("crossplane.yaml")
