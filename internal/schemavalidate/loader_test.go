package schemavalidate

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestCopyCRDs: the loader takes the CRDs of a module version from its zip,
// filtered by file name prefix and by content, and reads other package
// files (the e2e builds provider packages from them).
func TestCopyCRDs(t *testing.T) {
	m, err := Download(context.Background(), "github.com/crossplane-contrib/provider-helm@v1.2.0")
	if err != nil {
		t.Fatal(err)
	}
	all, some := t.TempDir(), t.TempDir()
	n, err := m.CopyCRDs("package/crds", all, []string{"helm.crossplane.io_"}, nil)
	if err != nil || n < 2 {
		t.Fatalf("CopyCRDs(all) = %d, %v: want the cluster-scoped helm CRDs (Release, ProviderConfig, ...)", n, err)
	}
	release := func(crd []byte) bool { return bytes.Contains(crd, []byte("\n    kind: Release\n")) }
	if n, err := m.CopyCRDs("package/crds", some, []string{"helm.crossplane.io_"}, release); err != nil || n != 1 {
		t.Fatalf("CopyCRDs(Release only) = %d, %v, want 1", n, err)
	}
	if _, err := os.Stat(filepath.Join(some, "helm.crossplane.io_releases.yaml")); err != nil {
		t.Errorf("the Release CRD was not copied: %v", err)
	}
	meta, err := m.File("package/crossplane.yaml")
	if err != nil || !bytes.Contains(meta, []byte("kind: Provider")) {
		t.Errorf("File(package/crossplane.yaml) = %.80q, %v: want the provider's package metadata", meta, err)
	}
}
