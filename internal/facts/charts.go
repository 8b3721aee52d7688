package facts

// ChartFacts: the Helm charts the workloads layer installs, pinned, with the
// chart values the package relies on. Owner: workloads layer.
type ChartFacts struct {
	Charts map[string]Chart `json:"charts"`
}

// Chart is one pinned Helm chart.
type Chart struct {
	Repository string `json:"repository"`
	Chart      string `json:"chart"`
	Version    string `json:"version"`
	AppVersion string `json:"appVersion"`
	Source     Source `json:"source"`
	// Defaults are chart defaults the package depends on or overrides, by
	// values path, as the chart's values.yaml states them at this version.
	Defaults map[string]any `json:"defaults,omitempty"`
}

// Charts is loaded from data/charts.yaml.
var Charts = mustLoad[ChartFacts]("charts.yaml")
