package store

import (
	"context"
	"fmt"
	"time"
)

// TileScores are the scores the tile layers carry, passed to the tile query
// as parallel arrays (they live in memory per data version, not in a table).
type TileScores struct {
	TownKeys     []string // ward_code || town_code
	TownScores   []int32
	SchoolIDs    []int64
	SchoolScores []int32
	// CrimesAfter starts the scoring window; nil (no crimes) leaves the
	// crimes layer out.
	CrimesAfter *time.Time
}

// CrimesMinZoom is the lowest zoom whose tiles carry the crimes layer: below
// it a tile would hold most of a ward's incidents.
const CrimesMinZoom = 12

// Tile renders the Mapbox Vector Tile z/x/y (Web Mercator, 4096 extent,
// 64 px buffer) with three layers: towns (polygons with score), schools
// (points with score) and crimes (points of the scoring window, from zoom
// CrimesMinZoom). Each layer is selected with the && bounding-box operator on
// its 4326 GiST index; ST_AsMVT of no rows is empty, so an empty tile is
// a valid zero-length tile. Concatenated layers form one valid tile.
func (s *Store) Tile(ctx context.Context, z, x, y int, sc *TileScores) ([]byte, error) {
	var tile []byte
	err := s.pool.QueryRow(ctx, `
		WITH b AS (
			SELECT ST_TileEnvelope($1, $2, $3) AS merc,
			       ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326) AS geo
		),
		ts AS (SELECT * FROM unnest($4::text[], $5::int[]) AS t(key, score)),
		ss AS (SELECT * FROM unnest($6::int8[], $7::int[]) AS t(id, score)),
		towns AS (
			SELECT ST_AsMVTGeom(ST_Transform(a.polygon, 3857), b.merc, 4096, 64, true) AS geom,
			       a.ward_code, a.town_code, a.town_name, a.town_name_ja, ts.score
			FROM areas a CROSS JOIN b
			LEFT JOIN ts ON ts.key = a.ward_code || a.town_code
			WHERE a.polygon && b.geo
		),
		schools AS (
			SELECT ST_AsMVTGeom(ST_Transform(s.point, 3857), b.merc, 4096, 64, true) AS geom,
			       s.id, s.name, s.type, ss.score
			FROM schools s CROSS JOIN b
			LEFT JOIN ss ON ss.id = s.id
			WHERE s.point && b.geo
		),
		crimes AS (
			SELECT ST_AsMVTGeom(ST_Transform(c.point, 3857), b.merc, 4096, 64, true) AS geom,
			       c.id, c.category, c.occurred_at::text AS occurred_at
			FROM crimes c CROSS JOIN b
			WHERE $1 >= $8 AND c.point && b.geo AND c.occurred_at > $9
		)
		SELECT coalesce((SELECT ST_AsMVT(towns, 'towns', 4096, 'geom') FROM towns WHERE geom IS NOT NULL), '')
		    || coalesce((SELECT ST_AsMVT(schools, 'schools', 4096, 'geom') FROM schools WHERE geom IS NOT NULL), '')
		    || coalesce((SELECT ST_AsMVT(crimes, 'crimes', 4096, 'geom') FROM crimes WHERE geom IS NOT NULL), '')`,
		z, x, y, sc.TownKeys, sc.TownScores, sc.SchoolIDs, sc.SchoolScores, CrimesMinZoom, sc.CrimesAfter,
	).Scan(&tile)
	if err != nil {
		return nil, fmt.Errorf("query tile %d/%d/%d: %w", z, x, y, err)
	}
	return tile, nil
}
