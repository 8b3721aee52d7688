// Package httpapi is the API's HTTP layer: routing, handlers, input
// validation and middleware. All SQL lives in package store.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gokinjo/platform/services/api/internal/metrics"
	"github.com/gokinjo/platform/services/api/internal/store"
)

// Store is the data access the handlers need; *store.Store implements it.
type Store interface {
	Areas(ctx context.Context, wardCode string) ([]store.Area, error)
	Schools(ctx context.Context, ward, town string) ([]store.School, error)
	Crimes(ctx context.Context, ward, town string, limit int, after *store.CrimeCursor) ([]store.Crime, error)
	SchoolSafetyScore(ctx context.Context, id int64) (store.SafetyScore, error)
	AreaSafetyScores(ctx context.Context, ward, town string) ([]store.SafetyScore, error)
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
}

type server struct {
	store Store
	log   *slog.Logger
	ready func(context.Context) error
}

// New returns the API's root handler.
func New(o Options) http.Handler {
	s := &server{store: o.Store, log: o.Logger, ready: o.Ready}
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
	route("/healthz", s.healthz)
	route("/readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(o.Registry, promhttp.HandlerOpts{Registry: o.Registry}))
	mux.Handle("/", http.HandlerFunc(notFound))

	httpMetrics := metrics.NewHTTP(o.Registry)
	// Order matters: the timeout wraps everything, and the observer must sit
	// directly on the mux so it sees the r.Pattern the mux sets.
	return withTimeout(o.RequestTimeout, s.observe(httpMetrics.Middleware(mux)))
}
