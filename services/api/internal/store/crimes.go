package store

import (
	"context"
	"fmt"
	"time"
)

// Crime is one reported incident.
type Crime struct {
	ID         int64     `json:"id"`
	Category   string    `json:"category"`
	OccurredAt time.Time `json:"occurred_at"`
	Lat        float64   `json:"lat"`
	Lon        float64   `json:"lon"`
}

// CrimeCursor is the position after the last crime of a page. Keyset
// pagination on (occurred_at, id) stays fast and stable on deep pages, unlike
// OFFSET, and new incidents never shift later pages.
type CrimeCursor struct {
	OccurredAt time.Time
	ID         int64
}

// Crimes returns up to limit crimes of an area, newest first, strictly after
// the cursor when one is given. ErrNotFound means the area does not exist.
func (s *Store) Crimes(ctx context.Context, ward, town string, limit int, after *CrimeCursor) ([]Crime, error) {
	// Without a cursor start after "the end of time" so one query serves
	// both cases.
	at, id := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), int64(1<<63-1)
	if after != nil {
		at, id = after.OccurredAt, after.ID
	}
	rows, err := s.pool.Query(ctx, `
		SELECT c.id, c.category, c.occurred_at, ST_Y(c.point), ST_X(c.point)
		FROM areas a
		LEFT JOIN LATERAL (
			SELECT id, category, occurred_at, point
			FROM crimes
			WHERE ward_code = a.ward_code AND town_code = a.town_code
			  AND (occurred_at, id) < ($3, $4)
			ORDER BY occurred_at DESC, id DESC
			LIMIT $5
		) c ON true
		WHERE a.ward_code = $1 AND a.town_code = $2
		ORDER BY c.occurred_at DESC, c.id DESC`, ward, town, at, id, limit)
	if err != nil {
		return nil, fmt.Errorf("query crimes: %w", err)
	}
	defer rows.Close()
	found := false
	crimes := make([]Crime, 0, limit)
	for rows.Next() {
		found = true
		var (
			id       *int64
			category *string
			at       *time.Time
			lat, lon *float64
		)
		if err := rows.Scan(&id, &category, &at, &lat, &lon); err != nil {
			return nil, fmt.Errorf("scan crime: %w", err)
		}
		if id == nil { // area exists, no (more) crimes
			continue
		}
		crimes = append(crimes, Crime{ID: *id, Category: *category, OccurredAt: at.UTC(), Lat: *lat, Lon: *lon})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read crimes: %w", err)
	}
	if !found {
		return nil, ErrNotFound
	}
	return crimes, nil
}
