// Package image declares the API's runtime image: the static API binary at
// /api, run as a non-root user, no shell, port 8081. internal/ociimage
// compiles and assembles it (cmd/imagebuild), as it does the web server's and
// the function's images.
package image

import "github.com/gokinjo/platform/internal/ociimage"

// Program is the API image; its tarball's budget is 15 MiB.
var Program = ociimage.Service("api", 8081, 15<<20)
