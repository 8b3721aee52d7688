// Command imagebuild builds the web server's runtime image without Docker
// (run `make web-assets` first; `make web-image` does both):
//
//	go run ./services/web/cmd/imagebuild -o _output/images/gokinjo-web.tar
//
// A static binary (CGO_ENABLED=0, -trimpath, -ldflags "-s -w") with the app
// embedded, at /web in a single layer on an empty base: user 65532:65532, no
// shell, entrypoint ["/web"], port 3001; it fails over the 25 MiB budget.
// Flags: -o, -tag, -arch (amd64), -go.
package main

import (
	"github.com/gokinjo/platform/internal/ociimage"
	"github.com/gokinjo/platform/services/web/internal/image"
	"github.com/gokinjo/platform/services/web/ui"
)

func main() {
	ociimage.Command{
		Program: image.Program,
		Out:     "_output/images/gokinjo-web.tar",
		Tag:     "gokinjo/web:dev",
		// Fail before compiling a binary that would refuse to start.
		Preflight: func() error { _, err := ui.Dist(); return err },
	}.Main()
}
