package facts

import "testing"

func TestCrossplane(t *testing.T) {
	checkSource(t, "crossplane metrics", Crossplane.Source)
	r := Crossplane.FunctionRuntime
	checkSource(t, "crossplane functionRuntime", r.Source)
	if r.TLSServerCertsEnv == "" || r.TLSServerCertsDir == "" {
		t.Errorf("functionRuntime: the TLS variable and directory must be set, got %+v", r)
	}
}
