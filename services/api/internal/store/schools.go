package store

import (
	"context"
	"fmt"
)

// School is a school point inside an area.
type School struct {
	ID       int64   `json:"id"`
	Name     string  `json:"name"`
	Type     string  `json:"type"`
	WardCode string  `json:"ward_code"`
	TownCode string  `json:"town_code"`
	Lat      float64 `json:"lat"`
	Lon      float64 `json:"lon"`
}

// Schools lists the schools of an area, or ErrNotFound when the area does
// not exist. The LEFT JOIN from areas answers "unknown area" and "area
// without schools" in the same round trip.
func (s *Store) Schools(ctx context.Context, ward, town string) ([]School, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT s.id, s.name, s.type, a.ward_code, a.town_code, ST_Y(s.point), ST_X(s.point)
		FROM areas a
		LEFT JOIN schools s ON s.ward_code = a.ward_code AND s.town_code = a.town_code
		WHERE a.ward_code = $1 AND a.town_code = $2
		ORDER BY s.id`, ward, town)
	if err != nil {
		return nil, fmt.Errorf("query schools: %w", err)
	}
	defer rows.Close()
	found := false
	schools := []School{}
	for rows.Next() {
		found = true
		var (
			id       *int64
			name, ty *string
			lat, lon *float64
			sc       School
		)
		if err := rows.Scan(&id, &name, &ty, &sc.WardCode, &sc.TownCode, &lat, &lon); err != nil {
			return nil, fmt.Errorf("scan school: %w", err)
		}
		if id == nil { // area exists but has no schools
			continue
		}
		sc.ID, sc.Name, sc.Type, sc.Lat, sc.Lon = *id, *name, *ty, *lat, *lon
		schools = append(schools, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schools: %w", err)
	}
	if !found {
		return nil, ErrNotFound
	}
	return schools, nil
}
