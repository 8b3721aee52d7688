package image

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// MaxImageBytes is the size budget of the runtime image tarball.
const MaxImageBytes = 15 << 20

// TestRuntimeImage builds the real API binary and checks the image: within
// budget, non-root, one layer holding only /api (so no /bin/sh).
func TestRuntimeImage(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "api")
	if err := GoBuild(context.Background(), "go", APIPackage, bin, runtime.GOARCH); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	img, err := Build(b, runtime.GOARCH)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "gokinjo-api.tar")
	if err := WriteTarball(img, "gokinjo/api:test", out); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("image tarball: %.1f MB (binary %.1f MB)", float64(fi.Size())/(1<<20), float64(len(b))/(1<<20))
	if fi.Size() > MaxImageBytes {
		t.Errorf("image is %d bytes, budget %d", fi.Size(), MaxImageBytes)
	}

	// Read it back the way a consumer would.
	loaded, err := tarball.ImageFromPath(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := loaded.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.Config.User != "65532:65532" {
		t.Errorf("user = %q, want non-root 65532:65532", cf.Config.User)
	}
	if diff := cmp.Diff([]string{"/api"}, cf.Config.Entrypoint); diff != "" {
		t.Errorf("entrypoint (-want +got):\n%s", diff)
	}
	if _, ok := cf.Config.ExposedPorts["8081/tcp"]; !ok {
		t.Errorf("exposed ports = %v, want 8081/tcp", cf.Config.ExposedPorts)
	}
	layers, err := loaded.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 {
		t.Fatalf("%d layers, want 1", len(layers))
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var files []string
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, h.Name)
		if h.Name == "bin/sh" || h.Name == "/bin/sh" || filepath.Base(h.Name) == "sh" {
			t.Errorf("layer contains a shell: %s", h.Name)
		}
	}
	if diff := cmp.Diff([]string{"api"}, files); diff != "" {
		t.Errorf("layer files (-want +got):\n%s", diff)
	}
}
