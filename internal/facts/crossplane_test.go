package facts

import "testing"

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
}
