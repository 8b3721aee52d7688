package cache

import (
	"math"
	"testing"
)

func TestTileBounds(t *testing.T) {
	a, b, c, d := TileBounds(0, 0, 0)
	if a != -180 || c != 180 || math.Abs(b+85.0511) > 1e-4 || math.Abs(d-85.0511) > 1e-4 {
		t.Errorf("world tile = %v %v %v %v", a, b, c, d)
	}
	// z12 tile 3637/1612 lies over central Tokyo.
	a, b, c, d = TileBounds(12, 3637, 1612)
	if !(a < 139.75 && c > 139.66 && b < 35.7 && d > 35.6) {
		t.Errorf("z12 3637/1612 = %v %v %v %v, want around 139.66-139.75, 35.6-35.7", a, b, c, d)
	}
	if !intersects(12, 3637, 1612, 139.56, 35.53, 139.92, 35.82) {
		t.Error("z12 3637/1612 does not intersect the Tokyo box")
	}
	if intersects(12, 0, 0, 139.56, 35.53, 139.92, 35.82) {
		t.Error("z12 0/0 intersects the Tokyo box")
	}
}

func TestValidTile(t *testing.T) {
	for _, c := range []struct {
		z, x, y int
		ok      bool
	}{{0, 0, 0, true}, {0, 1, 0, false}, {3, 7, 7, true}, {3, 8, 0, false}, {3, 0, -1, false},
		{MaxZoom, 1<<MaxZoom - 1, 0, true}, {MaxZoom + 1, 0, 0, false}, {-1, 0, 0, false}} {
		if got := ValidTile(c.z, c.x, c.y); got != c.ok {
			t.Errorf("ValidTile(%d, %d, %d) = %v, want %v", c.z, c.x, c.y, got, c.ok)
		}
	}
}
