package seed_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gokinjo/platform/services/api/internal/pgtest"
	"github.com/gokinjo/platform/services/api/internal/seed"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestValidate(t *testing.T) {
	cases := map[string]struct {
		o       seed.Options
		wantErr bool
	}{
		"default":        {seed.DefaultOptions, false},
		"zero wards":     {seed.Options{Wards: 0, Areas: 10}, true},
		"24 wards":       {seed.Options{Wards: 24, Areas: 100}, true},
		"fewer areas":    {seed.Options{Wards: 5, Areas: 4}, true},
		"negative crime": {seed.Options{Wards: 1, Areas: 1, Crimes: -1}, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if err := tc.o.Validate(); (err != nil) != tc.wantErr {
				t.Errorf("Validate() = %v, wantErr %v", err, tc.wantErr)
			}
		})
	}
}

// digest summarises the loaded rows so two loads can be compared exactly.
func digest(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		"SELECT count(*) || ':' || md5(string_agg(ward_code||town_code||town_name||ST_AsText(polygon), ',' ORDER BY ward_code, town_code)) FROM areas",
		"SELECT count(*) || ':' || md5(string_agg(id||name||type||ward_code||town_code||ST_AsText(point), ',' ORDER BY id)) FROM schools",
		"SELECT count(*) || ':' || md5(string_agg(ward_code||town_code||category||occurred_at||ST_AsText(point), ',' ORDER BY ward_code, town_code, occurred_at, category, ST_AsText(point))) FROM crimes",
	} {
		var s string
		if err := pool.QueryRow(context.Background(), q).Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestDeterministicAndIdempotent(t *testing.T) {
	ctx := context.Background()
	o := seed.Options{Wards: 23, Areas: 100, Schools: 50, Crimes: 2000, Seed: 42}
	a, b := pgtest.MigratedPool(t), pgtest.MigratedPool(t)

	first, err := seed.Run(ctx, a, o)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(seed.Result{Areas: 100, Schools: 50, Crimes: 2000}, first); diff != "" {
		t.Errorf("first load (-want +got):\n%s", diff)
	}
	again, err := seed.Run(ctx, a, o)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(seed.Result{}, again); diff != "" {
		t.Errorf("second load must insert nothing (-want +got):\n%s", diff)
	}
	if _, err := seed.Run(ctx, b, o); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(digest(t, a), digest(t, b)); diff != "" {
		t.Errorf("same seed, different data (-a +b):\n%s", diff)
	}

	var wards []string
	rows, err := a.Query(ctx, "SELECT DISTINCT ward_code FROM areas ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			t.Fatal(err)
		}
		wards = append(wards, w)
	}
	if len(wards) != 23 || wards[0] != "13101" || wards[22] != "13123" {
		t.Errorf("ward codes = %v, want 13101..13123", wards)
	}
	// Every school and crime lies inside its town polygon.
	var outside int
	if err := a.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM schools s JOIN areas a USING (ward_code, town_code) WHERE NOT ST_Covers(a.polygon, s.point)) +
		(SELECT count(*) FROM crimes c JOIN areas a USING (ward_code, town_code) WHERE NOT ST_Covers(a.polygon, c.point))`).Scan(&outside); err != nil {
		t.Fatal(err)
	}
	if outside != 0 {
		t.Errorf("%d points lie outside their town", outside)
	}
}
