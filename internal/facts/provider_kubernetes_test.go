package facts

import (
	"os"
	"strings"
	"testing"
)

// TestProviderKubernetes: the facts describe the provider-kubernetes the
// management cluster installs, and name the field path and policies.
func TestProviderKubernetes(t *testing.T) {
	f := ProviderKubernetes
	checkSource(t, "provider-kubernetes.yaml", f.Source)
	b, err := os.ReadFile("../../examples/management/providers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if pinned := "crossplane-contrib/provider-kubernetes:" + f.Version; !strings.Contains(string(b), pinned) {
		t.Errorf("provider-kubernetes.yaml describes %s; examples/management/providers.yaml must install it (%s)", f.Version, pinned)
	}
	// The simulator replaces the whole parent (an Object's atProvider holds
	// only the manifest): it must be status.atProvider.<field>.
	if parts := strings.Split(f.ObservedManifest, "."); len(parts) != 3 || parts[0] != "status" || parts[1] != "atProvider" {
		t.Errorf("observedManifest %q is not a field of status.atProvider", f.ObservedManifest)
	}
	if !f.ReadyWithManifest("DeriveFromCelQuery") || f.ReadyWithManifest("SuccessfulCreate") {
		t.Errorf("readyFromObservedManifest %v: Ready comes with the manifest for DeriveFromCelQuery, not for SuccessfulCreate", f.ReadyFromObservedManifest)
	}
}
