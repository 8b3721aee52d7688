// Package image describes the web server's runtime image: the static binary
// (app embedded) at /web, non-root, no shell, nothing else. It is assembled
// by the shared internal/ociimage package, like the API's and the function's.
package image

import (
	"context"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/gokinjo/platform/internal/ociimage"
)

const (
	// BinaryPath is where the binary lives in the image and the entrypoint.
	BinaryPath = "/web"
	// User is the non-root uid:gid the server runs as.
	User = ociimage.NonRoot
	// Port is the server's default listen port (the ALB's "/" target).
	Port = "3001/tcp"
	// Package is the main package the image runs.
	Package = "github.com/gokinjo/platform/services/web/cmd/web"
	// MaxBytes is the size budget of the image tarball (issue 19).
	MaxBytes = 25 << 20
)

// Spec is the web image.
var Spec = ociimage.Spec{
	Path:   BinaryPath,
	Title:  "gokinjo-web",
	Ports:  []string{Port},
	Env:    []string{"PORT=3001"},
	Source: "https://github.com/gokinjo/platform/tree/main/services/web",
}

// GoBuild compiles the server into out as a static, stripped binary. The app
// must have been built first (make web-assets), since the binary embeds it.
func GoBuild(ctx context.Context, goCmd, out, goarch string) error {
	return ociimage.GoBuild(ctx, goCmd, "", Package, out, goarch)
}

// Build returns the image holding binary (the file's bytes) for goarch.
func Build(binary []byte, goarch string) (v1.Image, error) {
	return ociimage.Build(Spec, binary, goarch)
}

// WriteTarball writes img as an image tarball tagged as tag.
func WriteTarball(img v1.Image, tag, path string) error {
	return ociimage.WriteTarball(img, tag, path)
}
