// Package image declares the web server's runtime image: the static binary
// (app embedded, so make web-assets first) at /web, non-root, no shell,
// nothing else, port 3001 (the ALB's "/" target). internal/ociimage compiles
// and assembles it (cmd/imagebuild), as it does the API's and the function's
// images.
package image

import "github.com/gokinjo/platform/internal/ociimage"

// Program is the web image; its tarball's budget is 25 MiB (issue 19).
var Program = ociimage.Service("web", 3001, 25<<20)
