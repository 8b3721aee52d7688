package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// SafetyRadiusMeters is the distance within which a crime counts against a
// school.
const SafetyRadiusMeters = 500

// SafetyScore is a school's score: max(0, 100 - 10 x crimes within 500 m).
type SafetyScore struct {
	SchoolID   int64   `json:"school_id"`
	SchoolName string  `json:"school_name"`
	SchoolType string  `json:"school_type"`
	WardCode   string  `json:"ward_code"`
	TownCode   string  `json:"town_code"`
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
	Crimes     int     `json:"crimes_within_500m"`
	Score      int     `json:"score"`
	Level      string  `json:"level"`
}

// scoreQuery computes score and level in SQL for every school s matched by
// the caller's FROM/WHERE. The LATERAL count is one index probe per school on
// crimes_point_geog_gist: ST_DWithin on geography measures metres on the
// spheroid and is index-assisted through that expression index. $1 is the
// radius in metres.
const scoreQuery = `
	SELECT s.id, s.name, s.type, s.ward_code, s.town_code, ST_Y(s.point), ST_X(s.point),
	       n.crimes,
	       GREATEST(0, 100 - 10 * n.crimes),
	       CASE WHEN 100 - 10 * n.crimes >= 90 THEN 'very_safe'
	            WHEN 100 - 10 * n.crimes >= 70 THEN 'safe'
	            WHEN 100 - 10 * n.crimes >= 50 THEN 'moderate'
	            ELSE 'caution' END
	FROM %s
	LEFT JOIN LATERAL (
		SELECT count(*)::int AS crimes
		FROM crimes c
		WHERE ST_DWithin(c.point::geography, s.point::geography, $1)
	) n ON true
	WHERE %s
	ORDER BY s.id`

// SchoolSafetyScore returns one school's score, or ErrNotFound.
func (s *Store) SchoolSafetyScore(ctx context.Context, id int64) (SafetyScore, error) {
	rows, err := s.pool.Query(ctx, fmt.Sprintf(scoreQuery, "schools s", "s.id = $2"),
		SafetyRadiusMeters, id)
	if err != nil {
		return SafetyScore{}, fmt.Errorf("query school safety score: %w", err)
	}
	score, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[SafetyScore])
	if errors.Is(err, pgx.ErrNoRows) {
		return SafetyScore{}, ErrNotFound
	}
	if err != nil {
		return SafetyScore{}, fmt.Errorf("scan school safety score: %w", err)
	}
	return score, nil
}

// AreaSafetyScores returns the scores of every school of an area in one
// query, or ErrNotFound when the area does not exist. Starting from areas
// with a LEFT JOIN tells "unknown area" (no row) from "no schools" (one row
// of NULL school columns) without a second round trip.
func (s *Store) AreaSafetyScores(ctx context.Context, ward, town string) ([]SafetyScore, error) {
	rows, err := s.pool.Query(ctx, fmt.Sprintf(scoreQuery,
		"areas a LEFT JOIN schools s ON s.ward_code = a.ward_code AND s.town_code = a.town_code",
		"a.ward_code = $2 AND a.town_code = $3"),
		SafetyRadiusMeters, ward, town)
	if err != nil {
		return nil, fmt.Errorf("query area safety scores: %w", err)
	}
	defer rows.Close()
	found := false
	scores := []SafetyScore{}
	for rows.Next() {
		found = true
		var (
			id             *int64
			name, ty, w, t *string
			lat, lon       *float64
			n, score       int
			level          string
		)
		if err := rows.Scan(&id, &name, &ty, &w, &t, &lat, &lon, &n, &score, &level); err != nil {
			return nil, fmt.Errorf("scan area safety score: %w", err)
		}
		if id == nil { // area exists but has no schools
			continue
		}
		scores = append(scores, SafetyScore{SchoolID: *id, SchoolName: *name, SchoolType: *ty,
			WardCode: *w, TownCode: *t, Lat: *lat, Lon: *lon, Crimes: n, Score: score, Level: level})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read area safety scores: %w", err)
	}
	if !found {
		return nil, ErrNotFound
	}
	return scores, nil
}
