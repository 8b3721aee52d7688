package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gokinjo/platform/services/api/internal/pgtest"
	"github.com/gokinjo/platform/services/api/internal/seed"
	"github.com/gokinjo/platform/services/api/internal/store"
)

const (
	ward = pgtest.Ward
	town = pgtest.Town
	lon0 = pgtest.Lon0
	lat0 = pgtest.Lat0
)

var must = pgtest.Must

func TestSafetyScoreBoundaries(t *testing.T) {
	ctx := context.Background()
	pool := migratedPool(t)
	s := store.New(pool)
	must(t, pgtest.AddArea(ctx, pool, ward, town, lon0, lat0))
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

	cases := []struct {
		name   string
		crimes []float64 // distances in metres from the school
		want   store.SafetyScore
	}{
		{"0 crimes", nil, store.SafetyScore{Crimes: 0, Score: 100, Level: "very_safe"}},
		{"1 crime", []float64{10}, store.SafetyScore{Crimes: 1, Score: 90, Level: "very_safe"}},
		{"3 crimes", []float64{10, 100, 400}, store.SafetyScore{Crimes: 3, Score: 70, Level: "safe"}},
		{"5 crimes", []float64{1, 2, 3, 4, 5}, store.SafetyScore{Crimes: 5, Score: 50, Level: "moderate"}},
		{"6 crimes", []float64{1, 2, 3, 4, 5, 6}, store.SafetyScore{Crimes: 6, Score: 40, Level: "caution"}},
		{"10 crimes", repeat(50, 10), store.SafetyScore{Crimes: 10, Score: 0, Level: "caution"}},
		{"11 crimes", repeat(50, 11), store.SafetyScore{Crimes: 11, Score: 0, Level: "caution"}},
		{"499 m counts", []float64{499}, store.SafetyScore{Crimes: 1, Score: 90, Level: "very_safe"}},
		{"501 m does not", []float64{501}, store.SafetyScore{Crimes: 0, Score: 100, Level: "very_safe"}},
		{"mixed 499/501", []float64{499, 501, 501, 499.5}, store.SafetyScore{Crimes: 2, Score: 80, Level: "safe"}},
	}

	// Schools sit 3 km apart on a line (far beyond 500 m of each other's
	// crimes) so every case is independent yet scored by one query.
	var want []store.SafetyScore
	for i, tc := range cases {
		id := int64(i + 1)
		lon, lat := spread(i)
		must(t, pgtest.AddSchool(ctx, pool, id, ward, town, lon, lat))
		for j, d := range tc.crimes {
			// Vary azimuth and time so the natural key stays unique.
			must(t, pgtest.AddCrimeNear(ctx, pool, ward, town, lon, lat, d, float64(j*37%360), at.Add(time.Duration(j)*time.Minute)))
		}
		w := tc.want
		w.SchoolID, w.SchoolName, w.SchoolType, w.WardCode, w.TownCode, w.Lat, w.Lon = id, fmt.Sprint("School ", id), "elementary", ward, town, lat, lon
		want = append(want, w)
	}

	// The fixtures must really be at the intended geodesic distances.
	var bad int
	must(t, pool.QueryRow(ctx, `SELECT count(*) FROM crimes c JOIN schools s ON true
		WHERE ST_Distance(c.point::geography, s.point::geography) BETWEEN 499.9 AND 500.1`).Scan(&bad))
	if bad != 0 {
		t.Fatalf("%d fixture crimes are within 10 cm of the 500 m boundary", bad)
	}

	got, err := s.AreaSafetyScores(ctx, ward, town)
	must(t, err)
	opt := cmpopts.EquateApprox(0, 1e-9)
	if diff := cmp.Diff(want, got, opt); diff != "" {
		t.Errorf("AreaSafetyScores (-want +got):\n%s", diff)
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.SchoolSafetyScore(ctx, int64(i+1))
			must(t, err)
			if diff := cmp.Diff(want[i], got, opt); diff != "" {
				t.Errorf("SchoolSafetyScore (-want +got):\n%s", diff)
			}
		})
	}
}

// spread places school i on a 4-column grid with ~3 km spacing.
func spread(i int) (lon, lat float64) {
	return lon0 + float64(i%4)*0.035, lat0 + float64(i/4)*0.03
}

func repeat(d float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = d
	}
	return out
}

func TestNotFoundAndEmpty(t *testing.T) {
	ctx := context.Background()
	pool := migratedPool(t)
	s := store.New(pool)
	must(t, pgtest.AddArea(ctx, pool, ward, town, lon0, lat0))

	if _, err := s.Schools(ctx, "13199", town); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Schools(unknown) err = %v, want ErrNotFound", err)
	}
	if _, err := s.Crimes(ctx, ward, "999999", 10, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Crimes(unknown) err = %v, want ErrNotFound", err)
	}
	if _, err := s.AreaSafetyScores(ctx, "13199", town); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AreaSafetyScores(unknown) err = %v, want ErrNotFound", err)
	}
	if _, err := s.SchoolSafetyScore(ctx, 424242); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SchoolSafetyScore(unknown) err = %v, want ErrNotFound", err)
	}

	schools, err := s.Schools(ctx, ward, town)
	must(t, err)
	crimes, err := s.Crimes(ctx, ward, town, 10, nil)
	must(t, err)
	scores, err := s.AreaSafetyScores(ctx, ward, town)
	must(t, err)
	if schools == nil || len(schools) != 0 || crimes == nil || len(crimes) != 0 || scores == nil || len(scores) != 0 {
		t.Errorf("existing empty area: want non-nil empty slices, got %#v %#v %#v", schools, crimes, scores)
	}
}

func TestCrimesNewestFirstKeyset(t *testing.T) {
	ctx := context.Background()
	pool := migratedPool(t)
	s := store.New(pool)
	must(t, pgtest.AddArea(ctx, pool, ward, town, lon0, lat0))
	base := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	// Two crimes share a timestamp: the id breaks the tie deterministically.
	offsets := []int{0, 3, 1, 3, 2}
	for i, h := range offsets {
		must(t, pgtest.AddCrimeNear(ctx, pool, ward, town, lon0, lat0, float64(10*i+1), 0, base.Add(time.Duration(h)*time.Hour)))
	}
	all, err := s.Crimes(ctx, ward, town, 100, nil)
	must(t, err)
	var pages []store.Crime
	var after *store.CrimeCursor
	for range 10 {
		page, err := s.Crimes(ctx, ward, town, 2, after)
		must(t, err)
		if len(page) == 0 {
			break
		}
		pages = append(pages, page...)
		last := page[len(page)-1]
		after = &store.CrimeCursor{OccurredAt: last.OccurredAt, ID: last.ID}
	}
	if diff := cmp.Diff(all, pages); diff != "" {
		t.Errorf("paged walk differs from one page (-all +paged):\n%s", diff)
	}
	var ids []int64
	for _, c := range all {
		ids = append(ids, c.ID)
	}
	if diff := cmp.Diff([]int64{4, 2, 5, 3, 1}, ids); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestAreas(t *testing.T) {
	ctx := context.Background()
	pool := migratedPool(t)
	s := store.New(pool)
	got, err := s.Areas(ctx, "")
	must(t, err)
	if got == nil || len(got) != 0 {
		t.Errorf("empty db: got %#v, want empty non-nil", got)
	}
	must(t, pgtest.AddArea(ctx, pool, ward, town, lon0, lat0))
	must(t, pgtest.AddArea(ctx, pool, "13102", town, lon0+0.1, lat0))
	got, err = s.Areas(ctx, "13102")
	must(t, err)
	want := []store.Area{{WardCode: "13102", TownCode: town, WardName: "Ward 13102", WardNameJa: "区13102",
		TownName: "Town " + town, TownNameJa: "町" + town, Lat: lat0, Lon: lon0 + 0.1}}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("Areas(13102) (-want +got):\n%s", diff)
	}
}

// The score must be answered from the geography GiST index, not by
// computing distances to every crime.
func TestSafetyScoreUsesSpatialIndex(t *testing.T) {
	ctx := context.Background()
	pool := migratedPool(t)
	_, err := seed.Run(ctx, pool, seed.Options{Wards: 3, Areas: 60, Schools: 30, Crimes: 20000, Seed: 7})
	must(t, err)
	rows, err := pool.Query(ctx, `EXPLAIN SELECT count(*) FROM schools s, crimes c
		WHERE s.ward_code = '13101' AND ST_DWithin(c.point::geography, s.point::geography, 500)`)
	must(t, err)
	var plan []string
	for rows.Next() {
		var line string
		must(t, rows.Scan(&line))
		plan = append(plan, line)
	}
	must(t, rows.Err())
	if p := strings.Join(plan, "\n"); !strings.Contains(p, "crimes_point_geog_gist") {
		t.Errorf("plan does not use crimes_point_geog_gist:\n%s", p)
	}
}

func BenchmarkSafetyScoresTown(b *testing.B) {
	ctx := context.Background()
	pool := migratedPool(b)
	_, err := seed.Run(ctx, pool, seed.DefaultOptions)
	must(b, err)
	var w, tw string
	must(b, pool.QueryRow(ctx, `SELECT ward_code, town_code FROM schools
		GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1`).Scan(&w, &tw))
	s := store.New(pool)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.AreaSafetyScores(ctx, w, tw); err != nil {
			b.Fatal(err)
		}
	}
}
