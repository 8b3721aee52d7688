// Command imagebuild builds the API's runtime image without Docker:
//
//	go run ./services/api/cmd/imagebuild -o _output/images/gokinjo-api.tar
//
// It compiles a static binary (CGO_ENABLED=0, -trimpath, -ldflags "-s -w"),
// puts it at /api in a single layer on an empty base (user 65532:65532, no
// shell, entrypoint ["/api"], port 8081) and writes an image tarball.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gokinjo/platform/internal/ociimage"
	"github.com/gokinjo/platform/services/api/internal/image"
)

func main() {
	out := flag.String("o", "_output/images/gokinjo-api.tar", "output image tarball")
	tag := flag.String("tag", "gokinjo/api:dev", "image reference recorded in the tarball")
	arch := flag.String("arch", "amd64", "target GOARCH")
	goCmd := flag.String("go", "go", "go command used to compile")
	flag.Parse()
	if err := run(context.Background(), *goCmd, *out, *tag, *arch); err != nil {
		fmt.Fprintln(os.Stderr, "imagebuild:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, goCmd, out, tag, arch string) error {
	tmp, err := os.MkdirTemp("", "imagebuild-")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "api")
	if err := image.GoBuild(ctx, goCmd, image.APIPackage, bin, arch); err != nil {
		return err
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		return fmt.Errorf("read binary: %w", err)
	}
	img, err := image.Build(b, arch)
	if err != nil {
		return err
	}
	digest, size, err := ociimage.Save(img, tag, out)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %s %s (%.1f MB, binary %.1f MB)\n", out, tag, digest, float64(size)/(1<<20), float64(len(b))/(1<<20))
	return nil
}
