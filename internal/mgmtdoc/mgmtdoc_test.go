package mgmtdoc

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestApplies(t *testing.T) {
	doc := "x\n```sh\nhelm install x -f examples/management/crossplane-values.yaml\n" +
		"sed s/a/b/ examples/management/runtime-config.yaml | kubectl apply -f -\n" +
		"kubectl apply -f examples/management/providers.yaml\n```\n" +
		"`examples/management/other.yaml`:\n```yaml\na: b\n```\n" +
		"```sh\nkubectl apply -f examples/claims/dev.yaml\n```\n"
	var got []string
	for _, a := range Applies([]byte(doc)) {
		got = append(got, a.File)
	}
	want := []string{"examples/management/runtime-config.yaml", "examples/management/providers.yaml", "examples/claims/dev.yaml"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-want +got\n%s", diff)
	}
}

// TestEveryManagementFileApplied proves the doc applies every Kubernetes
// file under examples/management, once, and nothing that does not exist.
func TestEveryManagementFileApplied(t *testing.T) {
	applies, err := Read("../..")
	if err != nil {
		t.Fatal(err)
	}
	applied := map[string]int{}
	for _, a := range applies {
		applied[a.File]++
	}
	files, _ := filepath.Glob("../../examples/management/*.yaml")
	for _, f := range files {
		rel := "examples/management/" + filepath.Base(f)
		if strings.HasSuffix(rel, "-values.yaml") {
			continue // Helm values, not Kubernetes objects
		}
		if applied[rel] != 1 {
			t.Errorf("the doc applies %s %d times, want once", rel, applied[rel])
		}
		delete(applied, rel)
	}
	for f := range applied {
		if !strings.HasPrefix(f, "examples/claims/") {
			t.Errorf("the doc applies %s, which is not a file under examples/management", f)
		}
	}
}
