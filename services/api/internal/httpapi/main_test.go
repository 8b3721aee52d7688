package httpapi_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gokinjo/platform/services/api/internal/httpapi"
	"github.com/gokinjo/platform/services/api/internal/metrics"
	"github.com/gokinjo/platform/services/api/internal/migrate"
	"github.com/gokinjo/platform/services/api/internal/pgtest"
	"github.com/gokinjo/platform/services/api/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// newServer starts the full handler (middleware, metrics, readiness) on a
// test server bound to 127.0.0.1.
// The data version is re-read on every request (VersionTTL 0), so a load is
// visible to the very next request.
func newServer(tb testing.TB, pool *pgxpool.Pool) *httptest.Server {
	return newServerWith(tb, pool, func(*httpapi.Options) {})
}

func newServerWith(tb testing.TB, pool *pgxpool.Pool, edit func(*httpapi.Options)) *httptest.Server {
	tb.Helper()
	reg := metrics.NewRegistry()
	reg.MustRegister(metrics.NewPoolCollector(pool))
	o := httpapi.Options{
		Store:          store.New(pool),
		Logger:         slog.New(slog.DiscardHandler),
		Ready:          func(ctx context.Context) error { return migrate.Check(ctx, pool) },
		Registry:       reg,
		RequestTimeout: 5 * time.Second,
		AccessLog:      httpapi.AccessLog{Sample: 1},
	}
	edit(&o)
	srv := httptest.NewServer(httpapi.New(o))
	tb.Cleanup(srv.Close)
	return srv
}
