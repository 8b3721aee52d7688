package plan

import (
	"context"
	"testing"
)

// BenchmarkMakeProd plans the prod example against its ready fixture: six
// crossplane renders (the environment and its five layers) and the diff.
// The bar is under 5 s per plan on the project's machine.
func BenchmarkMakeProd(b *testing.B) {
	r := renderer(b)
	c := claim(b, "prod", nil)
	fx := observed(b, "prod", "ready")
	for i := 0; i < b.N; i++ {
		if _, err := Make(context.Background(), r, c, "", fx); err != nil {
			b.Fatal(err)
		}
	}
}
