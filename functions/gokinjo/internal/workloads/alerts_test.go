package workloads

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// update rewrites testdata/alerts.yaml from AlertGroups:
// go test ./functions/gokinjo/internal/workloads -run TestAlertFile -update
var update = flag.Bool("update", false, "rewrite testdata/alerts.yaml")

const alertFile = "testdata/alerts.yaml"

// TestAlertFile: the committed rule file is exactly what AlertGroups
// generates, so promtool tests the rules the function composes.
func TestAlertFile(t *testing.T) {
	want, err := RuleFile()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(alertFile, want, 0o644); err != nil { // A committed test file.
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(alertFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what alerts.go generates: run go test ./functions/gokinjo/internal/workloads -run TestAlertFile -update", alertFile)
	}
}

// TestAlertRules runs promtool test rules on testdata/alerts_test.yaml:
// each alert fires above its threshold and stays silent below, on series
// shaped like the API's, cAdvisor's and kube-state-metrics' real metrics.
// It needs bin/promtool (see tools/promtool); without it the test skips,
// unless CI=true, where a missing promtool fails.
func TestAlertRules(t *testing.T) {
	promtool, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "bin", "promtool"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(promtool); err != nil {
		msg := "bin/promtool is missing: build it with cd tools/promtool && go build -o ../../bin/promtool github.com/prometheus/prometheus/cmd/promtool"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cmd := exec.CommandContext(t.Context(), promtool, "test", "rules", "alerts_test.yaml")
	cmd.Dir = "testdata"
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
