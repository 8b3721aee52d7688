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
	// Version and AppVersion pin the chart; empty when the chart is pinned
	// per Kubernetes minor (ByKubernetesVersion) instead.
	Version    string `json:"version,omitempty"`
	AppVersion string `json:"appVersion,omitempty"`
	Source     Source `json:"source"`
	// Defaults are chart defaults the package depends on or overrides, by
	// values path, as the chart's values.yaml states them at this version.
	Defaults map[string]any `json:"defaults,omitempty"`
	// ByKubernetesVersion pins a chart whose app must match the cluster's
	// Kubernetes minor (the cluster autoscaler): one pin per "1.N", each
	// with its own version, appVersion, source and defaults.
	ByKubernetesVersion map[string]Chart `json:"byKubernetesVersion,omitempty"`
	// DynamicResourceAllocation is, for the cluster autoscaler, from which
	// image minor the autoscaler needs the resource.k8s.io RBAC and from
	// which chart version the chart's ClusterRole grants it.
	DynamicResourceAllocation *AutoscalerDRA `json:"dynamicResourceAllocation,omitempty"`
}

// AutoscalerDRA: from FromImageMinor on, the cluster autoscaler locks
// dynamic resource allocation on and blocks at start until its
// resource.k8s.io informers sync, which needs list/watch on ResourceSlices,
// DeviceClasses and ResourceClaims; chart versions from RBACFromChart on
// grant them.
type AutoscalerDRA struct {
	FromImageMinor int    `json:"fromImageMinor"`
	RBACFromChart  string `json:"rbacFromChart"`
	Source         Source `json:"source"`
}

// ForKubernetes is the chart pinned for a Kubernetes minor: the per-minor
// pin when the chart has them (false when the minor has none), else the
// chart's one pin.
func (c Chart) ForKubernetes(version string) (Chart, bool) {
	if len(c.ByKubernetesVersion) == 0 {
		return c, true
	}
	p, ok := c.ByKubernetesVersion[version]
	if !ok {
		return Chart{}, false
	}
	return c.with(p), true
}

// At is the chart at a chart version: the pin of that version (its
// defaults), or the chart itself when no pin has it.
func (c Chart) At(version string) Chart {
	for _, p := range c.ByKubernetesVersion {
		if p.Version == version {
			return c.with(p)
		}
	}
	return c
}

func (c Chart) with(p Chart) Chart {
	out := c
	out.Version, out.AppVersion, out.Source, out.Defaults = p.Version, p.AppVersion, p.Source, p.Defaults
	out.ByKubernetesVersion = nil
	return out
}

// Charts is loaded from data/charts.yaml.
var Charts = mustLoad[ChartFacts]("charts.yaml")
