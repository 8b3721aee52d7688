package ociimage_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/gokinjo/platform/internal/ociimage"
	"github.com/gokinjo/platform/internal/ociimage/ociimagetest"
)

var hello = ociimage.Spec{Path: "/hello", Title: "hello", Ports: []string{"9443/tcp", "8080/tcp"}, Env: []string{"A=1"}}

// TestBuild proves the image runs the binary as a non-root user, with the
// binary as its only file: no shell to exec into.
func TestBuild(t *testing.T) {
	img, err := ociimage.Build(hello, []byte("binary"), "arm64")
	if err != nil {
		t.Fatal(err)
	}
	ociimagetest.CheckImage(t, img, hello, "arm64")
}

// TestService pins the layout every app service follows.
func TestService(t *testing.T) {
	want := ociimage.Program{
		Spec: ociimage.Spec{
			Path:   "/api",
			Title:  "gokinjo-api",
			Ports:  []string{"8081/tcp"},
			Env:    []string{"PORT=8081"},
			Source: "https://github.com/gokinjo/platform/tree/main/services/api",
		},
		Package:  "github.com/gokinjo/platform/services/api/cmd/api",
		MaxBytes: 15 << 20,
	}
	if diff := cmp.Diff(want, ociimage.Service("api", 8081, 15<<20)); diff != "" {
		t.Errorf("Service (-want +got):\n%s", diff)
	}
}

// TestMake builds a real main package the way the imagebuild commands do.
func TestMake(t *testing.T) {
	ociimagetest.Check(t, ociimage.Program{Spec: hello, Package: "./testdata/hello", MaxBytes: 10 << 20})
}

// TestMakeOverBudget proves the budget fails the build, so an image that
// grew is never released.
func TestMakeOverBudget(t *testing.T) {
	p := ociimage.Program{Spec: hello, Package: "./testdata/hello", MaxBytes: 1000}
	out := filepath.Join(t.TempDir(), "hello.tar")
	_, err := p.Make(context.Background(), ociimage.Target{Go: "go", Arch: "amd64", Tag: "example/hello:v1", Out: out})
	if err == nil || !strings.Contains(err.Error(), "over the 1000 byte budget") {
		t.Fatalf("err = %v, want over the 1000 byte budget", err)
	}
}

// TestCommand pins the command line internal/release and the Makefiles use
// and the line they print.
func TestCommand(t *testing.T) {
	dir := t.TempDir()
	c := ociimage.Command{
		Program: ociimage.Program{Spec: hello, Package: "./testdata/hello", MaxBytes: 10 << 20},
		Out:     filepath.Join(dir, "default", "hello.tar"),
		Tag:     "example/hello:dev",
	}
	line := regexp.MustCompile(`^(\S+): (\S+) (sha256:[0-9a-f]{64}) \(\d+\.\d MB, binary \d+\.\d MB\)\n$`)

	t.Run("flags", func(t *testing.T) {
		out := filepath.Join(dir, "flags", "hello.tar")
		var stdout bytes.Buffer
		if err := c.Run(context.Background(), []string{"-go", "go", "-o", out, "-tag", "example/hello:v1", "-arch", "arm64"}, &stdout, os.Stderr); err != nil {
			t.Fatal(err)
		}
		checkOutput(t, line, stdout.String(), out, "example/hello:v1", "arm64")
	})
	t.Run("defaults", func(t *testing.T) {
		var stdout bytes.Buffer
		if err := c.Run(context.Background(), nil, &stdout, os.Stderr); err != nil {
			t.Fatal(err)
		}
		checkOutput(t, line, stdout.String(), c.Out, c.Tag, "amd64")
	})
	t.Run("preflight stops before compiling", func(t *testing.T) {
		c := c
		c.Preflight = func() error { return os.ErrNotExist }
		if err := c.Run(context.Background(), []string{"-go", "/nonexistent/go"}, &bytes.Buffer{}, os.Stderr); err != os.ErrNotExist {
			t.Fatalf("err = %v, want the preflight's", err)
		}
	})
	t.Run("bad flag", func(t *testing.T) {
		var stderr bytes.Buffer
		err := c.Run(context.Background(), []string{"-out", "x.tar"}, &bytes.Buffer{}, &stderr)
		if err == nil || !strings.Contains(stderr.String(), "flag provided but not defined: -out") {
			t.Fatalf("err = %v, stderr %q", err, stderr.String())
		}
	})
	t.Run("help", func(t *testing.T) {
		if err := c.Run(context.Background(), []string{"-h"}, &bytes.Buffer{}, &bytes.Buffer{}); err != flag.ErrHelp {
			t.Fatalf("err = %v, want flag.ErrHelp", err)
		}
	})
}

// checkOutput checks the printed line names out, tag and the digest of the
// image tagged tag in out, built for arch.
func checkOutput(t *testing.T, line *regexp.Regexp, got, out, tag, arch string) {
	t.Helper()
	m := line.FindStringSubmatch(got)
	if m == nil || m[1] != out || m[2] != tag {
		t.Fatalf("output %q, want %q: %q sha256:... (N.N MB, binary N.N MB)", got, out, tag)
	}
	ref, err := name.NewTag(tag)
	if err != nil {
		t.Fatal(err)
	}
	img, err := tarball.ImageFromPath(out, &ref)
	if err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if d.String() != m[3] {
		t.Errorf("printed digest %s, tarball has %s", m[3], d)
	}
	ociimagetest.CheckImage(t, img, hello, arch)
}
