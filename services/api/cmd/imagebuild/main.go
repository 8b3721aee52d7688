// Command imagebuild builds the API's runtime image without Docker:
//
//	go run ./services/api/cmd/imagebuild -o _output/images/gokinjo-api.tar
//
// It compiles a static binary (CGO_ENABLED=0, -trimpath, -ldflags "-s -w"),
// puts it at /api in a single layer on an empty base (user 65532:65532, no
// shell, entrypoint ["/api"], port 8081) and writes an image tarball, failing
// over the 15 MiB budget. Flags: -o, -tag, -arch (amd64), -go.
package main

import (
	"github.com/gokinjo/platform/internal/ociimage"
	"github.com/gokinjo/platform/services/api/internal/image"
)

func main() {
	ociimage.Command{Program: image.Program, Out: "_output/images/gokinjo-api.tar", Tag: "gokinjo/api:dev"}.Main()
}
