// Package image describes the API's runtime image: the static API binary at
// /api, run as a non-root user, no shell. The image itself is assembled by
// the shared internal/ociimage package, which also builds the function's
// runtime image.
package image

import (
	"context"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/gokinjo/platform/internal/ociimage"
)

const (
	// BinaryPath is where the binary lives in the image and the entrypoint.
	BinaryPath = "/api"
	// User is the non-root uid:gid the API runs as.
	User = ociimage.NonRoot
	// Port is the API's default listen port.
	Port = "8081/tcp"
	// APIPackage is the main package the image runs.
	APIPackage = "github.com/gokinjo/platform/services/api/cmd/api"
)

// Spec is the API image.
var Spec = ociimage.Spec{
	Path:   BinaryPath,
	Title:  "gokinjo-api",
	Ports:  []string{Port},
	Env:    []string{"PORT=8081"},
	Source: "https://github.com/gokinjo/platform/tree/main/services/api",
}

// GoBuild compiles pkg into out as a static, stripped, reproducible binary.
func GoBuild(ctx context.Context, goCmd, pkg, out, goarch string) error {
	return ociimage.GoBuild(ctx, goCmd, "", pkg, out, goarch)
}

// Build returns the image holding binary (the file's bytes) for goarch.
func Build(binary []byte, goarch string) (v1.Image, error) {
	return ociimage.Build(Spec, binary, goarch)
}

// WriteTarball writes img as an image tarball tagged as tag.
func WriteTarball(img v1.Image, tag, path string) error {
	return ociimage.WriteTarball(img, tag, path)
}
