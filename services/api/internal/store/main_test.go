package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gokinjo/platform/services/api/internal/pgtest"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m, func(c *pgtest.Cluster) { cluster = c }))
}

// migratedPool returns a pool on a fresh migrated database, or skips when
// no PostgreSQL is available (pgtest.Main fails instead under CI=true).
func migratedPool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	if cluster == nil {
		tb.Skip("PostgreSQL/PostGIS not available; see pgtest output")
	}
	ctx := context.Background()
	url, err := cluster.NewMigratedDatabase(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	return pool
}
