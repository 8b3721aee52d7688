package image

import (
	"testing"

	"github.com/gokinjo/platform/internal/ociimage/ociimagetest"
)

// TestRuntimeImage builds the real API binary and checks the image: within
// budget, non-root, one layer holding only /api (so no /bin/sh).
func TestRuntimeImage(t *testing.T) {
	ociimagetest.Check(t, Program)
}
