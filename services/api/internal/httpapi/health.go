package httpapi

import "net/http"

type statusBody struct {
	Status string `json:"status"`
}

// healthz only says the process is alive and serving; it never touches the
// database, so a database outage does not get healthy pods restarted.
func (s *server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, statusBody{Status: "ok"})
}

// readyz takes the pod out of load balancing while the database is
// unreachable or the schema is not migrated.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	if err := s.ready(r.Context()); err != nil {
		s.log.WarnContext(r.Context(), "not ready", "err", err)
		writeError(w, http.StatusServiceUnavailable, "not ready: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, statusBody{Status: "ready"})
}
