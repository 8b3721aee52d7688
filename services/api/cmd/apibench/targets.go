package main

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// targets are real keys from the seeded data, rotated through so the
// benchmark does not hammer one cached row.
type targets struct {
	tiles   [][3]int    // the zoom-12 tiles covering all towns
	towns   [][2]string // towns that have schools
	wards   []string
	schools []int64
}

func pickTargets(ctx context.Context, pool *pgxpool.Pool) (targets, error) {
	var t targets
	rows, err := pool.Query(ctx, `SELECT DISTINCT ward_code, town_code FROM schools ORDER BY 1, 2 LIMIT 500`)
	if err != nil {
		return t, fmt.Errorf("pick towns: %w", err)
	}
	t.towns, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var k [2]string
		return k, r.Scan(&k[0], &k[1])
	})
	if err != nil {
		return t, fmt.Errorf("pick towns: %w", err)
	}
	rows, _ = pool.Query(ctx, `SELECT DISTINCT ward_code FROM areas ORDER BY 1`)
	if t.wards, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return t, fmt.Errorf("pick wards: %w", err)
	}
	rows, _ = pool.Query(ctx, `SELECT id FROM schools ORDER BY id LIMIT 1000`)
	if t.schools, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return t, fmt.Errorf("pick schools: %w", err)
	}
	var minLon, minLat, maxLon, maxLat float64
	if err := pool.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(polygon) AS e FROM areas) x`).Scan(&minLon, &minLat, &maxLon, &maxLat); err != nil {
		return t, fmt.Errorf("extent: %w", err)
	}
	t.tiles = tilesAt(12, minLon, minLat, maxLon, maxLat)
	logf("whole-Tokyo zoom-12 tile set: %d tiles", len(t.tiles))
	if len(t.towns) == 0 || len(t.schools) == 0 {
		return t, errors.New("seeded data has no schools; raise -schools")
	}
	return t, nil
}

type endpoint struct {
	name string
	path func(i int) string
	gzip bool // send Accept-Encoding: gzip, as browsers do
	// prewarm fetches the first prewarm paths once before measuring.
	prewarm int
}

func endpoints(t targets) []endpoint {
	town := func(i int) [2]string { return t.towns[i%len(t.towns)] }
	return []endpoint{
		{"areas (all)", func(int) string { return "/v1/areas" }, true, 0},
		{"areas (all, identity)", func(int) string { return "/v1/areas" }, false, 0},
		{"areas?ward_code", func(i int) string { return "/v1/areas?ward_code=" + t.wards[i%len(t.wards)] }, true, 0},
		{"schools", func(i int) string { w := town(i); return "/v1/areas/" + w[0] + "/" + w[1] + "/schools" }, true, 0},
		{"crimes", func(i int) string { w := town(i); return "/v1/areas/" + w[0] + "/" + w[1] + "/crimes?limit=50" }, true, 0},
		{"safety-scores", func(i int) string { w := town(i); return "/v1/areas/" + w[0] + "/" + w[1] + "/safety-scores" }, true, 0},
		{"safety-score", func(i int) string { return fmt.Sprintf("/v1/schools/%d/safety-score", t.schools[i%len(t.schools)]) }, true, 0},
		{"tiles z12", func(i int) string {
			k := t.tiles[i%len(t.tiles)]
			return fmt.Sprintf("/v1/tiles/%d/%d/%d.mvt", k[0], k[1], k[2])
		}, true, len(t.tiles)},
	}
}

// tilesAt lists the tiles of zoom z covering the box.
func tilesAt(z int, minLon, minLat, maxLon, maxLat float64) [][3]int {
	n := math.Exp2(float64(z))
	tx := func(lon float64) int { return int((lon + 180) / 360 * n) }
	ty := func(lat float64) int {
		r := lat * math.Pi / 180
		return int((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n)
	}
	var out [][3]int
	for x := tx(minLon); x <= tx(maxLon); x++ {
		for y := ty(maxLat); y <= ty(minLat); y++ {
			out = append(out, [3]int{z, x, y})
		}
	}
	return out
}
