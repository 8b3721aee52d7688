// Package ociimagetest holds the checks every runtime image's test shares:
// the image a Program makes is within its budget, runs its binary as the
// non-root user with the Spec's entrypoint, environment, ports and title, and
// holds nothing but that binary (no shell to exec into).
package ociimagetest

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/gokinjo/platform/internal/ociimage"
)

// Check makes p for the host's arch as its imagebuild command does (so the
// real binary and the budget), reads the tarball back the way a consumer
// would and checks it with CheckImage. It returns the compiled binary's path,
// for tests that run it.
func Check(t testing.TB, p ociimage.Program) (binary string) {
	t.Helper()
	if p.MaxBytes <= 0 {
		t.Fatal("the program has no size budget (MaxBytes)")
	}
	dir := t.TempDir()
	binary = filepath.Join(dir, filepath.Base(p.Spec.Path))
	out := filepath.Join(dir, "image.tar")
	r, err := p.Make(context.Background(), ociimage.Target{
		Go: "go", Arch: runtime.GOARCH, Tag: "gokinjo.test/" + p.Spec.Title + ":test", Out: out, Binary: binary,
	})
	if err != nil {
		t.Fatal(err) // Including a tarball over budget.
	}
	t.Logf("image tarball: %.1f MB (binary %.1f MB, budget %.1f MB)",
		float64(r.Size)/(1<<20), float64(r.BinarySize)/(1<<20), float64(p.MaxBytes)/(1<<20))
	img, err := tarball.ImageFromPath(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	CheckImage(t, img, p.Spec, runtime.GOARCH)
	return binary
}

// CheckImage checks img against s: linux/arch, user ociimage.NonRoot, the
// binary as entrypoint, s's environment, ports and title, and one layer
// holding only the binary.
func CheckImage(t testing.TB, img v1.Image, s ociimage.Spec, arch string) {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture != arch {
		t.Errorf("platform = %s/%s, want linux/%s", cf.OS, cf.Architecture, arch)
	}
	if cf.Config.User != ociimage.NonRoot {
		t.Errorf("user = %q, want non-root %s", cf.Config.User, ociimage.NonRoot)
	}
	if diff := cmp.Diff([]string{s.Path}, cf.Config.Entrypoint); diff != "" {
		t.Errorf("entrypoint (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(s.Env, cf.Config.Env, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	var ports []string
	for p := range cf.Config.ExposedPorts {
		ports = append(ports, p)
	}
	if diff := cmp.Diff(s.Ports, ports, cmpopts.SortSlices(func(a, b string) bool { return a < b }), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("exposed ports (-want +got):\n%s", diff)
	}
	if got := cf.Config.Labels["org.opencontainers.image.title"]; got != s.Title {
		t.Errorf("title label = %q, want %q", got, s.Title)
	}
	if diff := cmp.Diff([]string{s.Path[1:]}, layerFiles(t, img)); diff != "" {
		t.Errorf("files in the image (-want +got):\n%s", diff)
	}
}

// layerFiles lists the files of img's only layer.
func layerFiles(t testing.TB, img v1.Image) []string {
	t.Helper()
	layers, err := img.Layers()
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
	defer rc.Close() // Read only.
	var files []string
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, h.Name)
	}
}
