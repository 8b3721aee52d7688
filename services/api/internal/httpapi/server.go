// Package httpapi is the API's HTTP layer: routing, handlers, input
// validation and middleware. All SQL lives in package store.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gokinjo/platform/services/api/internal/cache"
	"github.com/gokinjo/platform/services/api/internal/metrics"
	"github.com/gokinjo/platform/services/api/internal/store"
)

// Store is the data access the handlers need; *store.Store implements it.
// Areas, scores and tiles come through the per-version cache (cache.Source);
// schools and crimes pages are read live.
type Store interface {
	cache.Source
	Schools(ctx context.Context, ward, town string) ([]store.School, error)
	Crimes(ctx context.Context, ward, town string, limit int, after *store.CrimeCursor) ([]store.Crime, error)
}

// Options wires the handler's dependencies.
type Options struct {
	Store  Store
	Logger *slog.Logger
	// Ready reports whether the service can serve data (database reachable
	// and migrations applied); nil error means ready.
	Ready func(context.Context) error
	// Registry receives the HTTP metrics and is served on /metrics.
	Registry *prometheus.Registry
	// RequestTimeout bounds each request's context (and so its queries).
	RequestTimeout time.Duration
	// VersionTTL is how long the data version is trusted before the
	// database is asked again (0: on every request).
	VersionTTL time.Duration
	// AccessLog selects which requests get an access log line.
	AccessLog AccessLog
	// Prewarm builds the current data version's snapshot in the background
	// at start, so the first request does not pay for it.
	Prewarm bool
}

type server struct {
	store Store
	cache *cache.Cache
	log   *slog.Logger
	ready func(context.Context) error
	// readied: ready answered nil once (readyz).
	readied atomic.Bool
	access  AccessLog
}

// New returns the API's root handler.
func New(o Options) http.Handler {
	s := &server{store: o.Store, log: o.Logger, ready: o.Ready, access: o.AccessLog,
		cache: cache.New(o.Store, o.VersionTTL, cache.DefaultLimits)}
	if o.Prewarm {
		go func() {
			if _, err := s.cache.Current(context.Background()); err != nil {
				s.log.Warn("prewarm failed; the first request will build the snapshot", "err", err)
			}
		}()
	}
	mux := http.NewServeMux()
	route := func(pattern string, h http.HandlerFunc) {
		mux.Handle("GET "+pattern, s.recoverer(h))
		// The same path without a method catches other methods, so they get
		// a JSON 405 instead of the mux's plain-text one.
		mux.Handle(pattern, http.HandlerFunc(methodNotAllowed))
	}
	route("/v1/areas", s.listAreas)
	route("/v1/areas/{ward_code}/{town_code}/schools", s.listSchools)
	route("/v1/areas/{ward_code}/{town_code}/crimes", s.listCrimes)
	route("/v1/areas/{ward_code}/{town_code}/safety-scores", s.areaSafetyScores)
	route("/v1/schools/{id}/safety-score", s.schoolSafetyScore)
	// A wildcard must be a whole path segment, so {y} is "123.mvt".
	route("/v1/tiles/{z}/{x}/{y}", s.tile)
	route("/healthz", s.healthz)
	route("/readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(o.Registry, promhttp.HandlerOpts{Registry: o.Registry}))
	mux.Handle("/", http.HandlerFunc(notFound))

	httpMetrics := metrics.NewHTTP(o.Registry)
	// Order matters: compression is outermost so the handlers below can see
	// what it negotiated; the timeout wraps everything else, and the observer
	// must sit directly on the mux so it sees the r.Pattern the mux sets.
	return compress(withTimeout(o.RequestTimeout, s.observe(httpMetrics.Middleware(mux))))
}

// compress negotiates gzip with gzhttp (Accept-Encoding with q-values, Vary,
// a 1 KiB minimum). Cached bodies are compressed once per data version and
// sent as they are (see serveCached); gzhttp leaves a response alone when
// its Content-Encoding is already set. zstd is off so "compressing" always
// means gzip, the encoding the cache stores.
func compress(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.EnableZstd(false), gzhttp.MinSize(gzhttp.DefaultMinSize))
	if err != nil {
		panic(err) // constant options; cannot fail
	}
	return wrap(h)
}
