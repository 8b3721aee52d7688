package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// Data is everything the API serves from memory for one data version:
// the towns with their label points and scores, and every school's score.
// It is small (3,000 towns and 1,500 schools are well under 2 MB) and only
// changes when a load bumps the version.
type Data struct {
	Version int64
	Window  *Window // nil when there are no crimes
	Areas   []Area  // ordered by ward_code, town_code
	Scores  []SafetyScore
	// Extent of all towns in lon/lat; Empty when there are none.
	MinLon, MinLat, MaxLon, MaxLat float64
	Empty                          bool
}

// Area is one town of a special ward with its label point (a point on the
// surface, computed once per row by the database) and its score.
type Area struct {
	WardCode   string  `json:"ward_code"`
	TownCode   string  `json:"town_code"`
	WardName   string  `json:"ward_name"`
	WardNameJa string  `json:"ward_name_ja"`
	TownName   string  `json:"town_name"`
	TownNameJa string  `json:"town_name_ja"`
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
	Score      int     `json:"score"`
	Level      string  `json:"level"`
}

// DataVersion reads the current data version (one indexed row).
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.pool.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read data version: %w", err)
	}
	return v, nil
}

// LoadData reads the version and everything derived from it in one
// repeatable-read snapshot, so the version always matches the rows.
func (s *Store) LoadData(ctx context.Context) (*Data, error) {
	d := &Data{}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&d.Version); err != nil {
				return fmt.Errorf("read data version: %w", err)
			}
			var from, to *time.Time
			if err := tx.QueryRow(ctx, `SELECT max(occurred_at) - make_interval(months => $1), max(occurred_at) FROM crimes`,
				ScoreWindow).Scan(&from, &to); err != nil {
				return fmt.Errorf("read score window: %w", err)
			}
			if to != nil {
				d.Window = &Window{From: from.UTC(), To: to.UTC()}
			}
			var err error
			if d.Areas, err = loadAreas(ctx, tx); err != nil {
				return err
			}
			if d.Scores, err = loadScores(ctx, tx); err != nil {
				return err
			}
			var minLon, minLat, maxLon, maxLat *float64
			if err := tx.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
				FROM (SELECT ST_Extent(polygon) AS e FROM areas) x`).Scan(&minLon, &minLat, &maxLon, &maxLat); err != nil {
				return fmt.Errorf("read extent: %w", err)
			}
			if minLon == nil {
				d.Empty = true
			} else {
				d.MinLon, d.MinLat, d.MaxLon, d.MaxLat = *minLon, *minLat, *maxLon, *maxLat
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// loadAreas ranks towns by weighted crimes per km² in the window (crimes are
// attributed to a town by their published ward/town codes).
func loadAreas(ctx context.Context, tx pgx.Tx) ([]Area, error) {
	cats, ws := severityArrays()
	rows, err := tx.Query(ctx, `
		WITH `+scoreCTEs+`,
		t AS (
			SELECT c.ward_code, c.town_code, sum(coalesce(sev.weight, $3)) AS weighted
			FROM crimes c CROSS JOIN w LEFT JOIN sev USING (category)
			WHERE c.occurred_at > w.oldest
			GROUP BY 1, 2
		)
		SELECT a.ward_code, a.town_code, a.ward_name, a.ward_name_ja, a.town_name, a.town_name_ja,
		       ST_Y(a.label_point), ST_X(a.label_point),
		       round(100 * (1 - percent_rank() OVER (
		           ORDER BY coalesce(t.weighted, 0) / ST_Area(a.polygon::geography)
		       )))::int
		FROM areas a LEFT JOIN t USING (ward_code, town_code)
		ORDER BY a.ward_code, a.town_code`, cats, ws, DefaultSeverity)
	if err != nil {
		return nil, fmt.Errorf("query areas: %w", err)
	}
	areas, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Area, error) {
		var a Area
		err := r.Scan(&a.WardCode, &a.TownCode, &a.WardName, &a.WardNameJa, &a.TownName, &a.TownNameJa,
			&a.Lat, &a.Lon, &a.Score)
		a.Lat, a.Lon, a.Level = round6(a.Lat), round6(a.Lon), Level(a.Score)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("scan areas: %w", err)
	}
	return areas, nil
}

// loadScores scores every school: one LATERAL probe per school on the
// geography GiST index crimes_point_geog_gist (ST_DWithin on geography is
// metres on the spheroid), then a window function ranks them all.
func loadScores(ctx context.Context, tx pgx.Tx) ([]SafetyScore, error) {
	cats, ws := severityArrays()
	rows, err := tx.Query(ctx, `
		WITH `+scoreCTEs+`,
		raw AS (
			SELECT s.id, s.name, s.type, s.ward_code, s.town_code, ST_Y(s.point) AS lat, ST_X(s.point) AS lon,
			       n.crimes, n.weighted
			FROM schools s
			CROSS JOIN w
			CROSS JOIN LATERAL (
				SELECT count(*)::int AS crimes, coalesce(sum(coalesce(sev.weight, $3)), 0)::float8 AS weighted
				FROM crimes c LEFT JOIN sev USING (category)
				WHERE ST_DWithin(c.point::geography, s.point::geography, $4)
				  AND c.occurred_at > w.oldest
			) n
		)
		SELECT id, name, type, ward_code, town_code, lat, lon, crimes, weighted,
		       round(100 * (1 - percent_rank() OVER (ORDER BY weighted)))::int
		FROM raw
		ORDER BY id`, cats, ws, DefaultSeverity, SafetyRadiusMeters)
	if err != nil {
		return nil, fmt.Errorf("query safety scores: %w", err)
	}
	scores, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SafetyScore, error) {
		var s SafetyScore
		err := r.Scan(&s.SchoolID, &s.SchoolName, &s.SchoolType, &s.WardCode, &s.TownCode, &s.Lat, &s.Lon,
			&s.Crimes, &s.Weighted, &s.Score)
		s.Level = Level(s.Score)
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("scan safety scores: %w", err)
	}
	return scores, nil
}

// round6 keeps 6 decimals (~10 cm): enough for a label, and it trims the
// JSON of /v1/areas by a fifth.
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
