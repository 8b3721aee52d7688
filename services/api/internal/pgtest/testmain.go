package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// shared is the cluster of the running test binary, set by Main; nil when
// PostgreSQL/PostGIS is unavailable (tests then skip).
var shared *Cluster

// Main is the TestMain of every package whose tests use the database:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// It starts one cluster for the whole test binary, runs the tests and
// removes the cluster. When the machine lacks PostgreSQL/PostGIS the tests
// that need it skip, except with CI=true, where the package fails so a
// broken CI image is never silently green.
func Main(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	c, err := Start(context.Background())
	switch {
	case err == nil:
		defer c.Close()
		shared = c
	case errors.Is(err, ErrUnavailable) && os.Getenv("CI") != "true":
		fmt.Fprintf(os.Stderr, "pgtest: database tests will be SKIPPED: %v\n", err)
	default:
		fmt.Fprintf(os.Stderr, "pgtest: FAIL: cannot start PostgreSQL: %v\n", err)
		return 1
	}
	return m.Run()
}

// Shared returns the test binary's cluster, or skips tb when there is none.
func Shared(tb testing.TB) *Cluster {
	tb.Helper()
	if shared == nil {
		tb.Skip("PostgreSQL/PostGIS not available; see pgtest output")
	}
	return shared
}

// Private starts a cluster of tb's own, removed when tb ends: for tests
// that stop postgres, which must not disturb the other tests.
func Private(tb testing.TB) *Cluster {
	tb.Helper()
	Shared(tb) // skip the same way when the machine has no PostgreSQL
	c, err := Start(context.Background())
	Must(tb, err)
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// EmptyDB returns the URL of a fresh database without the schema on c.
func EmptyDB(tb testing.TB, c *Cluster) string {
	tb.Helper()
	url, err := c.NewDatabase(context.Background())
	Must(tb, err)
	return url
}

// MigratedDB returns the URL of a fresh database with the API schema on c.
func MigratedDB(tb testing.TB, c *Cluster) string {
	tb.Helper()
	url, err := c.NewMigratedDatabase(context.Background())
	Must(tb, err)
	return url
}

// Pool opens a pool on url, closed when tb ends. Like the server's pool it
// connects with a short timeout, so tests of a stopped database fail fast.
func Pool(tb testing.TB, url string) *pgxpool.Pool {
	tb.Helper()
	pc, err := pgxpool.ParseConfig(url)
	Must(tb, err)
	pc.MaxConns, pc.MinConns = 8, 0
	pc.ConnConfig.ConnectTimeout = 2 * time.Second
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	Must(tb, err)
	tb.Cleanup(pool.Close)
	return pool
}

// MigratedPool is the common case: a pool on a fresh migrated database of
// the shared cluster (skipping tb when there is none).
func MigratedPool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	return Pool(tb, MigratedDB(tb, Shared(tb)))
}
