package migrate_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gokinjo/platform/services/api/internal/migrate"
	"github.com/gokinjo/platform/services/api/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestEmbeddedMigrationsAreOrdered(t *testing.T) {
	vs, err := migrate.Versions()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"0001_postgis", "0002_areas", "0003_schools", "0004_crimes", "0005_data_version"}
	if diff := cmp.Diff(want, vs); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
}

func TestUpTwice(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.EmptyDB(t, pgtest.Shared(t)))
	all, _ := migrate.Versions()

	if err := migrate.Check(ctx, pool); err == nil {
		t.Error("Check on an empty database = nil, want an error")
	}
	first, err := migrate.Up(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all, first); diff != "" {
		t.Errorf("first run applied (-want +got):\n%s", diff)
	}
	second, err := migrate.Up(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(second) != 0 {
		t.Errorf("second run applied %v, want nothing", second)
	}
	if err := migrate.Check(ctx, pool); err != nil {
		t.Errorf("Check after Up: %v", err)
	}
	var postgis string
	if err := pool.QueryRow(ctx, "SELECT postgis_lib_version()").Scan(&postgis); err != nil {
		t.Errorf("postgis not installed: %v", err)
	}
}

// Two pods starting at once: both runs succeed, each migration is applied
// exactly once (the advisory lock serialises them).
func TestUpConcurrent(t *testing.T) {
	ctx := context.Background()
	url := pgtest.EmptyDB(t, pgtest.Shared(t))
	pools := []*pgxpool.Pool{pgtest.Pool(t, url), pgtest.Pool(t, url)}
	applied := make([][]string, len(pools))
	errs := make([]error, len(pools))
	var wg sync.WaitGroup
	for i, p := range pools {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = migrate.Up(ctx, p)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	all, _ := migrate.Versions()
	if got := len(applied[0]) + len(applied[1]); got != len(all) {
		t.Errorf("runs applied %v and %v; want %d migrations applied exactly once in total", applied[0], applied[1], len(all))
	}
	var rows int
	if err := pools[0].QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&rows); err != nil || rows != len(all) {
		t.Errorf("schema_migrations rows = %d (err %v), want %d", rows, err, len(all))
	}
}

// Every file is idempotent on its own (IF NOT EXISTS / OR REPLACE), so a
// half-recorded run or a manual re-apply cannot fail or duplicate anything,
// and the data version row is not reset.
func TestMigrationFilesReapply(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.EmptyDB(t, pgtest.Shared(t)))
	if _, err := migrate.Up(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE data_version SET version = 41`); err != nil {
		t.Fatal(err)
	}
	ms, err := migrate.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if _, err := pool.Exec(ctx, m.SQL); err != nil {
			t.Errorf("re-applying %s: %v", m.Version, err)
		}
	}
	var v int64
	var rows int
	if err := pool.QueryRow(ctx, `SELECT max(version), count(*) FROM data_version`).Scan(&v, &rows); err != nil {
		t.Fatal(err)
	}
	if rows != 1 || v != 41 {
		t.Errorf("data_version after re-apply: %d rows, version %d; want 1 row, 41", rows, v)
	}
}
