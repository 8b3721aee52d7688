package httpapi

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/gokinjo/platform/services/api/internal/metrics"
)

// withTimeout bounds every request's context, so a slow query is cancelled
// instead of holding a pool connection after the client gave up.
func withTimeout(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// AccessLog chooses which requests are logged. Server errors (5xx) and
// requests slower than Slow are always logged (at error and warn level);
// the others at info level for a Sample fraction of requests. Probes and
// scrapes log at debug level only, and LOG_LEVEL=debug logs every request.
type AccessLog struct {
	Sample float64       // 0..1; 1 logs every request
	Slow   time.Duration // 0 disables the slow rule
}

// observe writes the structured access log line. It must wrap the mux
// directly: r.Pattern is only set on the request the mux receives.
func (s *server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &loggingWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		took := time.Since(start)
		level := slog.LevelInfo
		switch {
		case sw.code >= 500:
			level = slog.LevelError
		case s.access.Slow > 0 && took >= s.access.Slow:
			level = slog.LevelWarn
		case r.Pattern == "GET /healthz" || r.Pattern == "GET /readyz" || r.Pattern == "GET /metrics":
			level = slog.LevelDebug // probes and scrapes would drown the log
		case s.log.Enabled(r.Context(), slog.LevelDebug):
			// log everything
		case s.access.Sample < 1 && rand.Float64() >= s.access.Sample:
			return // not sampled
		}
		if !s.log.Enabled(r.Context(), level) {
			return
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method),
			slog.String("route", metrics.RouteLabel(r.Pattern)),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.code),
			slog.Int("bytes", sw.bytes),
			slog.Float64("duration_ms", float64(took.Microseconds())/1000),
		)
	})
}

// recoverer turns a handler panic into a JSON 500 (and a log line with the
// value) instead of a dropped connection.
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic in handler", "panic", v)
				writeError(w, http.StatusInternalServerError, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type loggingWriter struct {
	http.ResponseWriter
	code        int
	bytes       int
	wroteHeader bool
}

func (w *loggingWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *loggingWriter) Write(b []byte) (int, error) {
	w.wroteHeader = true
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *loggingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
