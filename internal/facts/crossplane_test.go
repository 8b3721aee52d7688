package facts

import (
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestCrossplane(t *testing.T) {
	checkSource(t, "crossplane metrics", Crossplane.Source)
	r := Crossplane.FunctionRuntime
	checkSource(t, "crossplane functionRuntime", r.Source)
	if r.TLSServerCertsEnv == "" || r.TLSServerCertsDir == "" {
		t.Errorf("functionRuntime: the TLS variable and directory must be set, got %+v", r)
	}
	u := Crossplane.Usages
	checkSource(t, "crossplane usages", u.Source)
	if u.WebhookConfiguration == "" || u.WebhookPath == "" || u.InUseLabel == "" || u.WaitPollSeconds <= 0 || u.ReplayDelaySeconds <= 0 {
		t.Errorf("usages: every field must be set, got %+v", u)
	}
	mp := Crossplane.ManagementPolicies
	checkSource(t, "crossplane managementPolicies", mp.Source)
	if mp.LateInitializeRequired == "" || len(mp.LateInitialized) == 0 || len(mp.FeatureOff) == 0 {
		t.Errorf("managementPolicies: say why LateInitialize stays, what it pins and where the feature is off, got %+v", mp)
	}
	m := Crossplane.MetricsScrape
	checkSource(t, "crossplane metricsScrape", m.Source)
	if m.ValuesKey == "" || len(m.PodLabels) == 0 || m.ReleaseLabel == "" || m.Port == "" || m.Path == "" {
		t.Errorf("metricsScrape: every field must be set, got %+v", m)
	}
	rr := Crossplane.RequiredResources
	checkSource(t, "crossplane requiredResources", rr.Source)
	if rr.Since == "" || rr.MaxIterations <= 0 || len(rr.ClaimLabels) != 2 {
		t.Errorf("requiredResources: every field must be set, got %+v", rr)
	}
	checkSource(t, "crossplane claimSync", Crossplane.ClaimSync.Source)
}

// TestPackagesRequireWatchedRequirements: the configuration and the function
// package require the first Crossplane that watches a function's required
// resources (an environment waiting for its claim's previous XR is composed
// once it is gone only then).
func TestPackagesRequireWatchedRequirements(t *testing.T) {
	want := ">=" + Crossplane.RequiredResources.Since
	for _, f := range []string{"crossplane.yaml", filepath.Join("package", "crossplane.yaml")} {
		b, err := os.ReadFile(filepath.Join("..", "..", f))
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Spec struct {
				Crossplane struct {
					Version string `json:"version"`
				} `json:"crossplane"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if got := m.Spec.Crossplane.Version; got != want {
			t.Errorf("%s: spec.crossplane.version %q, want %q", f, got, want)
		}
	}
}
