// Command imagebuild builds the web server's runtime image without Docker
// (run `make web-assets` first; `make web-image` does both):
//
//	go run ./services/web/cmd/imagebuild -o _output/images/gokinjo-web.tar
//
// A static binary (CGO_ENABLED=0, -trimpath, -ldflags "-s -w") with the app
// embedded, at /web in a single layer on an empty base: user 65532:65532, no
// shell, entrypoint ["/web"], port 3001.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gokinjo/platform/internal/ociimage"
	"github.com/gokinjo/platform/services/web/internal/image"
	"github.com/gokinjo/platform/services/web/ui"
)

func main() {
	out := flag.String("o", "_output/images/gokinjo-web.tar", "output image tarball")
	tag := flag.String("tag", "gokinjo/web:dev", "image reference recorded in the tarball")
	arch := flag.String("arch", "amd64", "target GOARCH")
	goCmd := flag.String("go", "go", "go command used to compile")
	flag.Parse()
	if err := run(context.Background(), *goCmd, *out, *tag, *arch); err != nil {
		fmt.Fprintln(os.Stderr, "imagebuild:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, goCmd, out, tag, arch string) error {
	// Fail before compiling a binary that would refuse to start.
	if _, err := ui.Dist(); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "imagebuild-web-")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "web")
	if err := image.GoBuild(ctx, goCmd, bin, arch); err != nil {
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
	if size > image.MaxBytes {
		return fmt.Errorf("%s is %d bytes, over the %d byte budget", out, size, image.MaxBytes)
	}
	fmt.Printf("%s: %s %s (%.1f MB, binary %.1f MB)\n", out, tag, digest, float64(size)/(1<<20), float64(len(b))/(1<<20))
	return nil
}
