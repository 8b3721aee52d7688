package release

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBump: the release (or revert) changes the claim's version line only.
func TestBump(t *testing.T) {
	for _, env := range []string{"dev", "staging", "prod"} {
		t.Run(env, func(t *testing.T) {
			orig, err := os.ReadFile(filepath.Join("../../examples/claims", env+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "claim.yaml")
			if err := os.WriteFile(path, orig, 0o644); err != nil {
				t.Fatal(err)
			}
			prev, err := Bump(path, "v0.2.0-rc.1")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			a, b := strings.Split(string(orig), "\n"), strings.Split(string(got), "\n")
			if len(a) != len(b) {
				t.Fatalf("line count %d -> %d", len(a), len(b))
			}
			var changed []string
			for i := range a {
				if a[i] != b[i] {
					changed = append(changed, a[i]+" -> "+b[i])
				}
			}
			if len(changed) != 1 || changed[0] != "      version: "+prev+" ->       version: v0.2.0-rc.1" {
				t.Errorf("changed lines %q, want only the workloads version", changed)
			}
		})
	}
	path := filepath.Join(t.TempDir(), "claim.yaml")
	_ = os.WriteFile(path, []byte("spec:\n  parameters:\n    environment: dev\n"), 0o644)
	if _, err := Bump(path, "v2"); err == nil || !strings.Contains(err.Error(), "spec.parameters.workloads.version") {
		t.Errorf("claim without a version: %v, want an error naming the field", err)
	}
}
