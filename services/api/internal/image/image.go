// Package image assembles the API's runtime container image without a
// Docker engine (none exists on the build machines): a static Go binary in
// a single layer on an empty base, run as a non-root user, with no shell.
package image

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	// BinaryPath is where the binary lives in the image and the entrypoint.
	BinaryPath = "/api"
	// User is distroless' "nonroot" uid:gid; numeric so no /etc/passwd is
	// needed and Kubernetes' runAsNonRoot can verify it.
	User = "65532:65532"
	// Port is the API's default listen port.
	Port = "8081/tcp"
	// APIPackage is the main package the image runs.
	APIPackage = "github.com/gokinjo/platform/services/api/cmd/api"
)

// GoBuild compiles pkg into out as a static, stripped, reproducible binary.
func GoBuild(ctx context.Context, goCmd, pkg, out, goarch string) error {
	cmd := exec.CommandContext(ctx, goCmd, "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

// Build returns the image holding binary (the file's bytes) for goarch.
func Build(binary []byte, goarch string) (v1.Image, error) {
	layer, err := binaryLayer(binary)
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{
		Layer:     layer,
		MediaType: types.OCILayer,
		History:   v1.History{CreatedBy: "gokinjo imagebuild: " + BinaryPath, Comment: "static Go binary"},
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
	cf.Config.User = User
	cf.Config.Entrypoint = []string{BinaryPath}
	cf.Config.Cmd = nil
	cf.Config.WorkingDir = "/"
	cf.Config.ExposedPorts = map[string]struct{}{Port: {}}
	cf.Config.Env = []string{"PORT=8081"}
	cf.Config.Labels = map[string]string{
		"org.opencontainers.image.title":  "gokinjo-api",
		"org.opencontainers.image.source": "https://github.com/gokinjo/platform/tree/main/services/api",
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, fmt.Errorf("set config: %w", err)
	}
	return img, nil
}

// binaryLayer is a one-file tar: the binary, root-owned and
// world-executable (the non-root user may run it but not replace it). A
// fixed mtime keeps the layer digest reproducible.
func binaryLayer(binary []byte) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{
		Name:     BinaryPath[1:],
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
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("layer: %w", err)
	}
	return layer, nil
}

// WriteTarball writes img as an image tarball (the format `crane push`,
// `docker load` and `crossplane xpkg build --embed-runtime-image-tarball`
// read) tagged as tag.
func WriteTarball(img v1.Image, tag, path string) error {
	ref, err := name.NewTag(tag)
	if err != nil {
		return fmt.Errorf("parse tag %q: %w", tag, err)
	}
	if err := tarball.WriteToFile(path, ref, img); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
