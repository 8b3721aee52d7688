package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gokinjo/platform/services/api/internal/store"
)

// statusClientClosed is not in net/http; nginx introduced it.
const statusClientClosed = 499

type errorBody struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, errorBody{Error: msg})
}

func notFound(w http.ResponseWriter, _ *http.Request) {
	writeError(w, http.StatusNotFound, "not found")
}

func methodNotAllowed(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Allow", "GET, HEAD")
	writeError(w, http.StatusMethodNotAllowed, "method not allowed")
}

// storeError maps a store error to a response. Not-found is the client's
// problem (404); a database that is down, restarting or too slow is
// temporary (503, so clients and load balancers retry); anything else is a
// bug (500) and gets logged in full while the client sees a generic message.
func (s *server) storeError(w http.ResponseWriter, r *http.Request, err error, what string) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, what+" not found")
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; nobody reads this answer. 499 (nginx's
		// "client closed request") keeps these apart from server errors
		// in the metrics.
		s.log.DebugContext(r.Context(), "client cancelled request", "err", err)
		writeError(w, statusClientClosed, "client closed request")
	case errors.Is(err, context.DeadlineExceeded):
		s.log.WarnContext(r.Context(), "request timed out", "err", err)
		writeError(w, http.StatusServiceUnavailable, "request timed out")
	case unavailable(err):
		s.log.WarnContext(r.Context(), "database unavailable", "err", err)
		writeError(w, http.StatusServiceUnavailable, "database unavailable")
	default:
		s.log.ErrorContext(r.Context(), "store error", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
	}
}

// unavailable reports errors that mean "the database cannot be reached right
// now" rather than "the query is wrong".
func unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08 = connection exception; 57P01..57P03 = shutting down /
		// starting up.
		return pgErr.Code[:2] == "08" || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var connErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connErr) || errors.As(err, &netErr) || pgconn.Timeout(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}
