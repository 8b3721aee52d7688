package ociimage_test

import (
	"os"
	"strings"
	"testing"

	"github.com/gokinjo/platform/internal/ociimage"
)

// TestMakefileBuildTags keeps make build (which make render and make plan
// run the function from) on the tags the image is built with.
func TestMakefileBuildTags(t *testing.T) {
	b, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.Contains(line, " build ") || !strings.HasSuffix(strings.TrimSpace(line), "./functions/gokinjo") {
			continue
		}
		found = true
		if !strings.Contains(line, "-tags "+ociimage.BuildTags+" ") {
			t.Errorf("the Makefile builds the function without -tags %s (ociimage.BuildTags):\n%s", ociimage.BuildTags, line)
		}
	}
	if !found {
		t.Error("no line of the Makefile builds ./functions/gokinjo: update this test")
	}
}
