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

// readyz keeps the pod out of load balancing until it has reached the
// database once with every migration applied (a new version before its
// migration Job, a database down at start). From then on it stays ready: the
// snapshot serves areas, scores and tiles through a database outage, the
// query endpoints answer 503 by themselves, and taking every pod out at once
// would turn an outage of the database into one of the whole API.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	if !s.readied.Load() {
		if err := s.ready(r.Context()); err != nil {
			s.log.WarnContext(r.Context(), "not ready", "err", err)
			writeError(w, http.StatusServiceUnavailable, "not ready: "+err.Error())
			return
		}
		s.readied.Store(true)
	}
	writeJSON(w, http.StatusOK, statusBody{Status: "ready"})
}
