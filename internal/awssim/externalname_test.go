package awssim

import (
	"testing"

	"github.com/crossplane/crossplane-runtime/pkg/meta"
)

// TestAnnotationExternalName: the simulator's spelt-out annotation is
// crossplane-runtime's.
func TestAnnotationExternalName(t *testing.T) {
	if AnnotationExternalName != meta.AnnotationKeyExternalName {
		t.Errorf("AnnotationExternalName = %q, want crossplane-runtime's %q", AnnotationExternalName, meta.AnnotationKeyExternalName)
	}
}
