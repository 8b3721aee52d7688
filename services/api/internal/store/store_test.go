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

// Boundaries of the score's inputs: the 500 m radius (geodesic), the
// 12-month window ending at the newest crime, and category severity. Each
// school sits 3 km from the others, so every case is independent.
func TestSafetyScoreInputs(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.MigratedPool(t)
	s := store.New(pool)
	must(t, pgtest.AddArea(ctx, pool, ward, town, lon0, lat0))
	newest := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	type crime struct {
		m   float64
		cat string
		at  time.Time
	}
	in := func(m float64) crime { return crime{m, "bicycle_theft", newest.AddDate(0, -1, 0)} }
	cases := []struct {
		name     string
		crimes   []crime
		count    int
		weighted float64
	}{
		{"none", nil, 0, 0},
		{"499 m counts", []crime{in(499)}, 1, 1},
		{"501 m does not", []crime{in(501)}, 0, 0},
		{"mixed 499/501", []crime{in(499), in(501), in(501), in(499.5)}, 2, 2},
		{"newest crime counts", []crime{{10, "shoplifting", newest}}, 1, 1},
		{"exactly 12 months before the newest does not", []crime{{10, "shoplifting", newest.AddDate(-1, 0, 0)}}, 0, 0},
		{"a minute inside the window counts", []crime{{10, "shoplifting", newest.AddDate(-1, 0, 0).Add(time.Minute)}}, 1, 1},
		{"assault weighs 5", []crime{{10, "assault", newest.AddDate(0, -2, 0)}}, 1, 5},
		{"unknown category weighs 1", []crime{{10, "test", newest.AddDate(0, -2, 0)}}, 1, 1},
		{"weights add up", []crime{{10, "assault", newest.AddDate(0, -2, 0)}, {20, "burglary", newest.AddDate(0, -3, 0)}, {30, "pickpocketing", newest.AddDate(0, -4, 0)}}, 3, 11},
	}
	for i, tc := range cases {
		lon, lat := spread(i)
		must(t, pgtest.AddSchool(ctx, pool, int64(i+1), ward, town, lon, lat))
		for j, c := range tc.crimes {
			must(t, pgtest.AddCrimeOf(ctx, pool, ward, town, c.cat, lon, lat, c.m, float64(j*37%360), c.at))
		}
	}
	// The fixtures must really be at the intended geodesic distances.
	var bad int
	must(t, pool.QueryRow(ctx, `SELECT count(*) FROM crimes c JOIN schools s ON true
		WHERE ST_Distance(c.point::geography, s.point::geography) BETWEEN 499.9 AND 500.1`).Scan(&bad))
	if bad != 0 {
		t.Fatalf("%d fixture crimes are within 10 cm of the 500 m boundary", bad)
	}
	d, err := s.LoadData(ctx)
	must(t, err)
	if d.Window == nil || !d.Window.To.Equal(newest) || !d.Window.From.Equal(newest.AddDate(-1, 0, 0)) {
		t.Errorf("window = %+v, want the 12 months up to %s", d.Window, newest)
	}
	for i, tc := range cases {
		got := d.Scores[i]
		if got.SchoolID != int64(i+1) || got.Crimes != tc.count || got.Weighted != tc.weighted {
			t.Errorf("%s: school %d crimes=%d weighted=%v, want %d %v", tc.name, got.SchoolID, got.Crimes, got.Weighted, tc.count, tc.weighted)
		}
	}
}

// The score is a percentile: the least exposed school(s) 100, the most
// exposed 0, ties share the better rank, levels cut on quartiles.
func TestSafetyScorePercentile(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.MigratedPool(t)
	s := store.New(pool)
	must(t, pgtest.AddArea(ctx, pool, ward, town, lon0, lat0))
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	// 6 schools with 0, 0, 1, 2, 3, 4 shoplifting crimes nearby.
	for i, n := range []int{0, 0, 1, 2, 3, 4} {
		lon, lat := spread(i)
		must(t, pgtest.AddSchool(ctx, pool, int64(i+1), ward, town, lon, lat))
		for j := range n {
			must(t, pgtest.AddCrimeOf(ctx, pool, ward, town, "shoplifting", lon, lat, float64(10+j*50), 0, at))
		}
	}
	d, err := s.LoadData(ctx)
	must(t, err)
	var got []string
	for _, sc := range d.Scores {
		got = append(got, fmt.Sprintf("%d:%s", sc.Score, sc.Level))
	}
	// n = 6: score = round(100 x (1 - strictly_smaller / 5)).
	want := []string{"100:very_safe", "100:very_safe", "60:safe", "40:moderate", "20:caution", "0:caution"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scores (-want +got):\n%s", diff)
	}
	// One school alone is the best of its kind.
	pool2 := pgtest.MigratedPool(t)
	must(t, pgtest.AddArea(ctx, pool2, ward, town, lon0, lat0))
	must(t, pgtest.AddSchool(ctx, pool2, 1, ward, town, lon0, lat0))
	must(t, pgtest.AddCrimeOf(ctx, pool2, ward, town, "assault", lon0, lat0, 10, 0, at))
	d, err = store.New(pool2).LoadData(ctx)
	must(t, err)
	if d.Scores[0].Score != 100 {
		t.Errorf("single school score = %d, want 100", d.Scores[0].Score)
	}
}

func TestLevelCuts(t *testing.T) {
	for score, want := range map[int]string{0: "caution", 24: "caution", 25: "moderate", 49: "moderate",
		50: "safe", 74: "safe", 75: "very_safe", 100: "very_safe"} {
		if got := store.Level(score); got != want {
			t.Errorf("Level(%d) = %q, want %q", score, got, want)
		}
	}
}

// With the seeded densities (every 500 m circle holds crimes) the scores
// must still spread over all four levels, roughly a quarter each.
func TestSeededScoresSpread(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.MigratedPool(t)
	_, err := seed.Run(ctx, pool, seed.Options{Wards: 4, Areas: 200, Schools: 120, Crimes: 40000, Seed: 1})
	must(t, err)
	d, err := store.New(pool).LoadData(ctx)
	must(t, err)
	count := func(levels []string) map[string]int {
		m := map[string]int{}
		for _, l := range levels {
			m[l]++
		}
		return m
	}
	var schools, towns []string
	for _, sc := range d.Scores {
		schools = append(schools, sc.Level)
	}
	for _, a := range d.Areas {
		towns = append(towns, a.Level)
	}
	for what, levels := range map[string][]string{"schools": schools, "towns": towns} {
		m := count(levels)
		for _, l := range []string{"very_safe", "safe", "moderate", "caution"} {
			if share := float64(m[l]) / float64(len(levels)); share < 0.15 || share > 0.35 {
				t.Errorf("%s: level %s holds %.0f%% (%v), want 15-35%%", what, l, share*100, m)
			}
		}
	}
}

// spread places school i on a 4-column grid with ~3 km spacing.
func spread(i int) (lon, lat float64) {
	return lon0 + float64(i%4)*0.035, lat0 + float64(i/4)*0.03
}

func TestNotFoundAndEmpty(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.MigratedPool(t)
	s := store.New(pool)
	must(t, pgtest.AddArea(ctx, pool, ward, town, lon0, lat0))

	if _, err := s.Schools(ctx, "13199", town); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Schools(unknown) err = %v, want ErrNotFound", err)
	}
	if _, err := s.Crimes(ctx, ward, "999999", 10, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Crimes(unknown) err = %v, want ErrNotFound", err)
	}

	schools, err := s.Schools(ctx, ward, town)
	must(t, err)
	crimes, err := s.Crimes(ctx, ward, town, 10, nil)
	must(t, err)
	if schools == nil || len(schools) != 0 || crimes == nil || len(crimes) != 0 {
		t.Errorf("existing empty area: want non-nil empty slices, got %#v %#v", schools, crimes)
	}
}

func TestCrimesNewestFirstKeyset(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.MigratedPool(t)
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

func TestAreasAndLabelPoints(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.MigratedPool(t)
	s := store.New(pool)
	d, err := s.LoadData(ctx)
	must(t, err)
	if len(d.Areas) != 0 || !d.Empty || d.Window != nil {
		t.Errorf("empty db: got %#v", d)
	}
	// pgtest.AddArea inserts like the previous release (no label_point):
	// the generated column fills it.
	must(t, pgtest.AddArea(ctx, pool, ward, town, lon0, lat0))
	must(t, pgtest.AddArea(ctx, pool, "13102", town, lon0+0.1, lat0))
	d, err = s.LoadData(ctx)
	must(t, err)
	want := []store.Area{
		{WardCode: ward, TownCode: town, WardName: "Ward 13101", WardNameJa: "区13101",
			TownName: "Town " + town, TownNameJa: "町" + town, Lat: lat0, Lon: lon0, Score: 100, Level: "very_safe"},
		{WardCode: "13102", TownCode: town, WardName: "Ward 13102", WardNameJa: "区13102",
			TownName: "Town " + town, TownNameJa: "町" + town, Lat: lat0, Lon: lon0 + 0.1, Score: 100, Level: "very_safe"}}
	if diff := cmp.Diff(want, d.Areas, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("Areas (-want +got):\n%s", diff)
	}
	if d.MinLon > lon0-0.01+1e-9 || d.MaxLon < lon0+0.11-1e-9 {
		t.Errorf("extent %v..%v does not cover the towns", d.MinLon, d.MaxLon)
	}
	// Moving a town moves its label point.
	_, err = pool.Exec(ctx, `UPDATE areas SET polygon = ST_Translate(polygon, 0, 0.05) WHERE ward_code = '13102'`)
	must(t, err)
	d, err = s.LoadData(ctx)
	must(t, err)
	if got := d.Areas[1].Lat; got < lat0+0.05-1e-6 || got > lat0+0.05+1e-6 {
		t.Errorf("label point after the move: lat %v, want %v", got, lat0+0.05)
	}
}

// Every write to the data tables bumps the data version in its own
// transaction; a rolled-back load leaves it alone.
func TestDataVersionBumpedByLoads(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.MigratedPool(t)
	s := store.New(pool)
	v0, err := s.DataVersion(ctx)
	must(t, err)
	_, err = seed.Run(ctx, pool, seed.Options{Wards: 1, Areas: 4, Schools: 2, Crimes: 10, Seed: 3})
	must(t, err)
	v1, err := s.DataVersion(ctx)
	must(t, err)
	if v1 <= v0 {
		t.Errorf("seed: version %d -> %d, want an increase", v0, v1)
	}
	tx, err := pool.Begin(ctx)
	must(t, err)
	_, err = tx.Exec(ctx, `DELETE FROM crimes`)
	must(t, err)
	must(t, tx.Rollback(ctx))
	v2, err := s.DataVersion(ctx)
	must(t, err)
	if v2 != v1 {
		t.Errorf("rolled-back load changed the version %d -> %d", v1, v2)
	}
	d, err := s.LoadData(ctx)
	must(t, err)
	if d.Version != v1 || len(d.Areas) != 4 || len(d.Scores) != 2 {
		t.Errorf("LoadData: version %d, %d areas, %d scores; want %d, 4, 2", d.Version, len(d.Areas), len(d.Scores), v1)
	}
}

// The score must be answered from the geography GiST index, not by
// computing distances to every crime.
func TestSafetyScoreUsesSpatialIndex(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.MigratedPool(t)
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

// BenchmarkLoadData times a full snapshot build (what the first request
// after a load pays) on the benchmark dataset.
func BenchmarkLoadData(b *testing.B) {
	ctx := context.Background()
	pool := pgtest.MigratedPool(b)
	_, err := seed.Run(ctx, pool, seed.DefaultOptions)
	must(b, err)
	s := store.New(pool)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.LoadData(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
