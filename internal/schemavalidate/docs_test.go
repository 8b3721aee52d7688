package schemavalidate

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repo is the repository root, seen from this package.
const repo = "../.."

// block is a YAML code block of a doc and the file it says it shows.
var block = regexp.MustCompile("(?s)`(examples/[^`]+\\.yaml)`:\\s*```yaml\n(.*?)```")

// TestManagementDocs proves every YAML in docs/management-cluster.md is the
// file it names, byte for byte, and that the Kubernetes objects among them
// validate against the Crossplane core and provider CRDs.
func TestManagementDocs(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repo, "docs", "management-cluster.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := block.FindAllStringSubmatch(string(doc), -1)
	if n := strings.Count(string(doc), "```yaml"); n != len(blocks) || n == 0 {
		t.Fatalf("%d yaml blocks, %d of them name their file: every block must follow a `examples/...yaml`: line", n, len(blocks))
	}
	for _, b := range blocks {
		want, err := os.ReadFile(filepath.Join(repo, b[1]))
		if err != nil {
			t.Errorf("the doc shows %s, which does not exist", b[1])
			continue
		}
		if string(want) != b[2] {
			t.Errorf("the doc's copy of %s differs from the file", b[1])
		}
	}

	cli := filepath.Join(repo, "bin", "crossplane")
	if _, err := os.Stat(cli); err != nil {
		t.Fatalf("%s is missing: run make tools first", cli)
	}
	ctx := context.Background()
	v, err := New(ctx, cli, filepath.Join(repo, "apis"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// Helm values are not Kubernetes objects; everything else is validated.
	dir := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(repo, "examples", "management", "*.yaml"))
	for _, f := range files {
		if strings.HasSuffix(f, "-values.yaml") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if report, err := v.Validate(ctx, dir); err != nil {
		t.Fatalf("%v\n%s", err, report)
	}
}
