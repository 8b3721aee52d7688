package mgmtdoc

import (
	"os"
	"path/filepath"
	"regexp"
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

// TestStepReferences proves every "docs/management-cluster.md, step N" a
// file under examples/management names is the step that applies the file.
func TestStepReferences(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("../..", Path))
	if err != nil {
		t.Fatal(err)
	}
	heading := regexp.MustCompile(`(?m)^## (\d+)\. `)
	steps := map[string]string{}
	idx := heading.FindAllStringSubmatchIndex(string(doc), -1)
	for i, m := range idx {
		end := len(doc)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		steps[string(doc[m[2]:m[3]])] = string(doc[m[0]:end])
	}
	ref := regexp.MustCompile(`docs/management-cluster\.md, step (\d+)`)
	files, _ := filepath.Glob("../../examples/management/*.yaml")
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel := "examples/management/" + filepath.Base(f)
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			n++
			applied := false
			for _, a := range Applies([]byte(steps[m[1]])) {
				applied = applied || a.File == rel
			}
			if !applied {
				t.Errorf("%s refers to step %s of %s, which does not apply it", rel, m[1], Path)
			}
		}
	}
	if n == 0 {
		t.Error("no file under examples/management refers to a step")
	}
}
