package httpapi

import (
	"net/http"

	"github.com/gokinjo/platform/services/api/internal/store"
)

type listResponse[T any] struct {
	Items []T `json:"items"`
}

type crimesResponse struct {
	Items      []store.Crime `json:"items"`
	NextCursor *string       `json:"next_cursor"`
}

// areaParams validates the {ward_code}/{town_code} path values, writing a
// 400 and returning ok=false when they are malformed.
func areaParams(w http.ResponseWriter, r *http.Request) (ward, town string, ok bool) {
	ward, town = r.PathValue("ward_code"), r.PathValue("town_code")
	for _, err := range []error{validWard(ward), validTown(town)} {
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return "", "", false
		}
	}
	return ward, town, true
}

func (s *server) listAreas(w http.ResponseWriter, r *http.Request) {
	ward := r.URL.Query().Get("ward_code")
	if ward != "" {
		if err := validWard(ward); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	snap, err := s.cache.Current(r.Context())
	if err != nil {
		s.storeError(w, r, err, "areas")
		return
	}
	resp, ok := snap.Areas(ward)
	if !ok {
		writeError(w, http.StatusNotFound, "ward not found")
		return
	}
	serveCached(w, r, resp, areasCacheControl)
}

func (s *server) listSchools(w http.ResponseWriter, r *http.Request) {
	ward, town, ok := areaParams(w, r)
	if !ok {
		return
	}
	schools, err := s.store.Schools(r.Context(), ward, town)
	if err != nil {
		s.storeError(w, r, err, "area")
		return
	}
	writeJSON(w, http.StatusOK, listResponse[store.School]{Items: schools})
}

func (s *server) listCrimes(w http.ResponseWriter, r *http.Request) {
	ward, town, ok := areaParams(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	limit, err := parseLimit(q.Get("limit"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	after, err := decodeCursor(q.Get("cursor"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	// Fetch one extra row to know whether a next page exists, so the last
	// page never advertises a cursor to an empty page.
	crimes, err := s.store.Crimes(r.Context(), ward, town, limit+1, after)
	if err != nil {
		s.storeError(w, r, err, "area")
		return
	}
	resp := crimesResponse{Items: crimes}
	if len(crimes) > limit {
		resp.Items = crimes[:limit]
		last := resp.Items[limit-1]
		c := encodeCursor(store.CrimeCursor{OccurredAt: last.OccurredAt, ID: last.ID})
		resp.NextCursor = &c
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *server) areaSafetyScores(w http.ResponseWriter, r *http.Request) {
	ward, town, ok := areaParams(w, r)
	if !ok {
		return
	}
	snap, err := s.cache.Current(r.Context())
	if err != nil {
		s.storeError(w, r, err, "area")
		return
	}
	if !snap.HasTown(ward, town) {
		writeError(w, http.StatusNotFound, "area not found")
		return
	}
	writeJSON(w, http.StatusOK, listResponse[store.SafetyScore]{Items: snap.TownScores(ward, town)})
}

func (s *server) schoolSafetyScore(w http.ResponseWriter, r *http.Request) {
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	snap, err := s.cache.Current(r.Context())
	if err != nil {
		s.storeError(w, r, err, "school")
		return
	}
	score, ok := snap.School(id)
	if !ok {
		writeError(w, http.StatusNotFound, "school not found")
		return
	}
	writeJSON(w, http.StatusOK, score)
}

func (s *server) tile(w http.ResponseWriter, r *http.Request) {
	z, x, y, err := parseTile(r.PathValue("z"), r.PathValue("x"), r.PathValue("y"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	snap, err := s.cache.Current(r.Context())
	if err != nil {
		s.storeError(w, r, err, "tile")
		return
	}
	resp, err := snap.Tile(r.Context(), z, x, y)
	if err != nil {
		s.storeError(w, r, err, "tile")
		return
	}
	serveCached(w, r, resp, tilesCacheControl)
}
