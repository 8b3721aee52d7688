// Package ociimage assembles runtime images without a Docker engine (none
// exists on the build machines): one static Go binary in a single layer on an
// empty base, run as a non-root user, with no shell. A Program names the main
// package, the image Spec and the size budget; the function's runtime image
// (internal/xpkgbuild) and the API and web images (each service's
// internal/image and cmd/imagebuild, a Command) are all built by Program.Make.
// Package ociimagetest holds the checks their tests share.
package ociimage

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// NonRoot is distroless' "nonroot" uid:gid; numeric so no /etc/passwd is
// needed and Kubernetes' runAsNonRoot can verify it.
const NonRoot = "65532:65532"

// Spec describes an image around one binary.
type Spec struct {
	// Path of the binary in the image; also the entrypoint.
	Path string
	// Title is the org.opencontainers.image.title label.
	Title string
	// Ports exposed, like "8081/tcp".
	Ports []string
	// Env of the process.
	Env []string
	// Source is the org.opencontainers.image.source label.
	Source string
}

// BuildTags are the build tags of every binary built here. grpcnotrace
// leaves out gRPC's request tracing pages (golang.org/x/net/trace), which
// nothing serves: they render html/template, whose method lookup by name
// makes the linker keep every exported method of every type the program
// uses (for the function, 20 MB more executable, resident in memory; see
// TestLinkerDropsUnusedMethods in functions/gokinjo). The tests that run
// the function, and the Makefile's build, use the same tags
// (TestMakefileBuildTags).
const BuildTags = "grpcnotrace"

// LDFlags strip the symbol table and DWARF from every binary built here.
const LDFlags = "-s -w"

// GoBuild compiles pkg into out as a static, stripped, reproducible Linux
// binary for goarch.
func GoBuild(ctx context.Context, goCmd, dir, pkg, out, goarch string) error {
	cmd := GoBuildCommand(ctx, goCmd, dir, pkg, out, goarch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s for %s: %w\n%s", pkg, goarch, err, b)
	}
	return nil
}

// GoBuildCommand is the go build of GoBuild, with extra linker flags (the
// linker test adds -dumpdep), for callers that read its output themselves.
func GoBuildCommand(ctx context.Context, goCmd, dir, pkg, out, goarch string, ldflags ...string) *exec.Cmd {
	ld := strings.Join(append([]string{LDFlags}, ldflags...), " ")
	cmd := exec.CommandContext(ctx, goCmd, "build", "-trimpath", "-tags", BuildTags, "-ldflags", ld, "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	return cmd
}

// Build returns the image holding binary (the file's bytes) for goarch.
func Build(s Spec, binary []byte, goarch string) (v1.Image, error) {
	layer, err := binaryLayer(s.Path, binary)
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{
		Layer:     layer,
		MediaType: types.OCILayer,
		History:   v1.History{CreatedBy: "gokinjo ociimage: " + s.Path, Comment: "static Go binary"},
	})
	if err != nil {
		return nil, fmt.Errorf("append layer: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", goarch
	cf.Config.User = NonRoot
	cf.Config.Entrypoint = []string{s.Path}
	cf.Config.Cmd = nil
	cf.Config.WorkingDir = "/"
	cf.Config.Env = s.Env
	if len(s.Ports) > 0 {
		cf.Config.ExposedPorts = map[string]struct{}{}
		for _, p := range s.Ports {
			cf.Config.ExposedPorts[p] = struct{}{}
		}
	}
	cf.Config.Labels = map[string]string{"org.opencontainers.image.title": s.Title}
	if s.Source != "" {
		cf.Config.Labels["org.opencontainers.image.source"] = s.Source
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, fmt.Errorf("set config: %w", err)
	}
	return img, nil
}

// binaryLayer is a one-file tar: the binary, root-owned and world-executable
// (the non-root user may run it but not replace it). A fixed mtime keeps the
// layer digest reproducible.
func binaryLayer(path string, binary []byte) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{
		Name:     path[1:],
		Mode:     0o755,
		Size:     int64(len(binary)),
		ModTime:  time.Unix(0, 0),
		Typeflag: tar.TypeReg,
		Format:   tar.FormatPAX,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, fmt.Errorf("tar header: %w", err)
	}
	if _, err := tw.Write(binary); err != nil {
		return nil, fmt.Errorf("tar body: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("tar close: %w", err)
	}
	b := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}, tarball.WithMediaType(types.OCILayer))
}

// Save writes img as an image tarball (what crane push and crossplane xpkg
// build --embed-runtime-image-tarball read) tagged as tag at path, creating
// its directory, and returns the tarball's size and the digest of the image
// in it. That is read back from the file: the tarball format keeps no
// manifest, so its readers (and the registry they push to) see a Docker
// schema 2 manifest whose digest differs from img's.
func Save(img v1.Image, tag, path string) (digest string, size int64, err error) {
	ref, err := name.NewTag(tag)
	if err != nil {
		return "", 0, fmt.Errorf("tag %q: %w", tag, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", 0, fmt.Errorf("create output dir: %w", err)
	}
	if err := tarball.WriteToFile(path, ref, img); err != nil {
		return "", 0, err
	}
	saved, err := tarball.ImageFromPath(path, &ref)
	if err != nil {
		return "", 0, fmt.Errorf("read back %s: %w", path, err)
	}
	d, err := saved.Digest()
	if err != nil {
		return "", 0, fmt.Errorf("digest: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", 0, fmt.Errorf("stat output: %w", err)
	}
	return d.String(), fi.Size(), nil
}
