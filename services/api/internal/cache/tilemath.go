package cache

import "math"

// MaxZoom is the deepest zoom the tile endpoint serves.
const MaxZoom = 22

// ValidTile reports whether z/x/y names a tile of the Web Mercator pyramid.
func ValidTile(z, x, y int) bool {
	if z < 0 || z > MaxZoom {
		return false
	}
	n := 1 << z
	return x >= 0 && x < n && y >= 0 && y < n
}

// TileBounds returns the lon/lat box of tile z/x/y (slippy-map numbering,
// y down from the north).
func TileBounds(z, x, y int) (minLon, minLat, maxLon, maxLat float64) {
	n := math.Exp2(float64(z))
	lon := func(x float64) float64 { return x/n*360 - 180 }
	lat := func(y float64) float64 { return math.Atan(math.Sinh(math.Pi*(1-2*y/n))) * 180 / math.Pi }
	return lon(float64(x)), lat(float64(y + 1)), lon(float64(x + 1)), lat(float64(y))
}

// intersects reports whether tile z/x/y, widened by its 64/4096 buffer,
// overlaps the box.
func intersects(z, x, y int, minLon, minLat, maxLon, maxLat float64) bool {
	a, b, c, d := TileBounds(z, x, y)
	mx, my := (c-a)/64, (d-b)/64
	return a-mx <= maxLon && c+mx >= minLon && b-my <= maxLat && d+my >= minLat
}
