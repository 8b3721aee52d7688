package costreport

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestPrintExamples prints the example claims' table: one row per claim in
// dev, staging, prod order, each with its estimate, budget and verdict.
func TestPrintExamples(t *testing.T) {
	claims, err := filepath.Glob("../../../examples/claims/*.yaml")
	if err != nil || len(claims) != 3 {
		t.Fatalf("want the three example claims, got %v %v", claims, err)
	}
	var b bytes.Buffer
	if err := Print(&b, Options{Claims: claims}); err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, l := range strings.Split(b.String(), "\n") {
		if f := strings.Fields(l); len(f) > 4 && (f[0] == "dev" || f[0] == "staging" || f[0] == "prod") {
			rows = append(rows, strings.Join(f[:4], " "))
		}
	}
	want := []string{
		"dev 347-798 500 OverBudgetAtMax",
		"staging 708-1299 800 OverBudgetAtMax",
		"prod 1568-2175 2000 OverBudgetAtMax",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("want rows:\n%s\ngot:\n%s\nfull output:\n%s", strings.Join(want, "\n"), strings.Join(rows, "\n"), b.String())
	}
}
