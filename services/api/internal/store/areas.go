package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Area is one town of a special ward. The polygon itself is not returned:
// clients only need the centroid to place a marker.
type Area struct {
	WardCode   string  `json:"ward_code"`
	TownCode   string  `json:"town_code"`
	WardName   string  `json:"ward_name"`
	WardNameJa string  `json:"ward_name_ja"`
	TownName   string  `json:"town_name"`
	TownNameJa string  `json:"town_name_ja"`
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
}

// Areas lists all areas, or those of one ward when wardCode is not empty.
func (s *Store) Areas(ctx context.Context, wardCode string) ([]Area, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT ward_code, town_code, ward_name, ward_name_ja, town_name, town_name_ja,
		       ST_Y(ST_PointOnSurface(polygon)), ST_X(ST_PointOnSurface(polygon))
		FROM areas
		WHERE $1 = '' OR ward_code = $1
		ORDER BY ward_code, town_code`, wardCode)
	if err != nil {
		return nil, fmt.Errorf("query areas: %w", err)
	}
	areas, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Area])
	if err != nil {
		return nil, fmt.Errorf("scan areas: %w", err)
	}
	return areas, nil
}
