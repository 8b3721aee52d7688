package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gokinjo/platform/services/api/internal/pgtest"
)

const (
	ward = pgtest.Ward
	town = pgtest.Town
	lon0 = pgtest.Lon0
	lat0 = pgtest.Lat0
)

var must = pgtest.Must

// fixture: one area with two schools; school 1 has 3 crimes within 500 m,
// school 2 (2 km away) none. A second area has no schools or crimes.
func fixture(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.MigratedPool(t)
	must(t, pgtest.AddArea(ctx, pool, ward, town, lon0, lat0))
	must(t, pgtest.AddArea(ctx, pool, ward, "000102", lon0+0.02, lat0))
	must(t, pgtest.AddSchool(ctx, pool, 1, ward, town, lon0, lat0))
	must(t, pgtest.AddSchool(ctx, pool, 2, ward, town, lon0, lat0+0.018))
	base := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	for i, d := range []float64{50, 200, 450} {
		must(t, pgtest.AddCrimeNear(ctx, pool, ward, town, lon0, lat0, d, 180, base.Add(time.Duration(i)*time.Hour)))
	}
	return pool
}

type response struct {
	code  int
	ctype string
	body  map[string]any
}

func get(t *testing.T, base, path string) response {
	t.Helper()
	return do(t, http.MethodGet, base+path)
}

func do(t *testing.T, method, url string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	must(t, err)
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	must(t, err)
	r := response{code: res.StatusCode, ctype: res.Header.Get("Content-Type")}
	if err := json.Unmarshal(b, &r.body); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %v: %q", method, url, err, b)
	}
	return r
}

// pick extracts one field from every item of body["items"].
func pick(body map[string]any, field string) []any {
	var out []any
	for _, it := range body["items"].([]any) {
		out = append(out, it.(map[string]any)[field])
	}
	return out
}

func TestEndpoints(t *testing.T) {
	srv := newServer(t, fixture(t))
	cases := []struct {
		path  string
		field string // field picked from each item
		want  []any
	}{
		{"/v1/areas", "town_code", []any{"000101", "000102"}},
		{"/v1/areas?ward_code=13101", "town_code", []any{"000101", "000102"}},
		{"/v1/areas/13101/000101/schools", "id", []any{1.0, 2.0}},
		{"/v1/areas/13101/000102/schools", "id", nil},
		{"/v1/areas/13101/000101/crimes", "occurred_at", []any{"2024-03-01T11:00:00Z", "2024-03-01T10:00:00Z", "2024-03-01T09:00:00Z"}},
		{"/v1/areas/13101/000102/crimes", "id", nil},
		// School 1 has 3 crimes nearby, school 2 none: the worst and the best.
		{"/v1/areas/13101/000101/safety-scores", "score", []any{0.0, 100.0}},
		{"/v1/areas/13101/000101/safety-scores", "level", []any{"caution", "very_safe"}},
		{"/v1/areas/13101/000101/safety-scores", "crimes_within_500m", []any{3.0, 0.0}},
		{"/v1/areas/13101/000102/safety-scores", "score", nil},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			r := get(t, srv.URL, tc.path)
			if r.code != http.StatusOK || !strings.HasPrefix(r.ctype, "application/json") {
				t.Fatalf("code %d, content-type %q, body %v", r.code, r.ctype, r.body)
			}
			if _, ok := r.body["items"].([]any); !ok {
				t.Fatalf("items is not a JSON array (empty lists must be []): %v", r.body)
			}
			if diff := cmp.Diff(tc.want, pick(r.body, tc.field)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.field, diff)
			}
		})
	}

	t.Run("school safety score", func(t *testing.T) {
		r := get(t, srv.URL, "/v1/schools/1/safety-score")
		want := map[string]any{"school_id": 1.0, "crimes_within_500m": 3.0, "weighted_crimes": 3.0, "score": 0.0, "level": "caution"}
		got := map[string]any{}
		for k := range want {
			got[k] = r.body[k]
		}
		if r.code != http.StatusOK {
			t.Fatalf("code %d: %v", r.code, r.body)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("healthz and readyz", func(t *testing.T) {
		for _, p := range []string{"/healthz", "/readyz"} {
			if r := get(t, srv.URL, p); r.code != http.StatusOK {
				t.Errorf("%s: code %d body %v", p, r.code, r.body)
			}
		}
	})
}

func TestCrimesPagination(t *testing.T) {
	srv := newServer(t, fixture(t))
	var got []any
	path := "/v1/areas/13101/000101/crimes?limit=2"
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not terminate")
		}
		r := get(t, srv.URL, path)
		if r.code != http.StatusOK {
			t.Fatalf("code %d: %v", r.code, r.body)
		}
		got = append(got, pick(r.body, "occurred_at")...)
		next, _ := r.body["next_cursor"].(string)
		if next == "" {
			break
		}
		path = "/v1/areas/13101/000101/crimes?limit=2&cursor=" + next
	}
	want := []any{"2024-03-01T11:00:00Z", "2024-03-01T10:00:00Z", "2024-03-01T09:00:00Z"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("walk (-want +got):\n%s", diff)
	}
}

func TestBadInput(t *testing.T) {
	srv := newServer(t, fixture(t))
	cases := []struct {
		method, path string
		code         int
	}{
		{"GET", "/v1/areas/13199/000101/schools", 404},       // unknown ward
		{"GET", "/v1/areas/13101/999999/crimes", 404},        // unknown town
		{"GET", "/v1/areas/13199/000101/safety-scores", 404}, // unknown ward
		{"GET", "/v1/schools/999/safety-score", 404},         // unknown school
		{"GET", "/v1/areas/abcde/000101/schools", 400},       // non-numeric ward
		{"GET", "/v1/areas/1310/000101/schools", 400},        // short ward
		{"GET", "/v1/areas/131010/000101/schools", 400},      // long ward
		{"GET", "/v1/areas/13101/00010/schools", 400},        // short town
		{"GET", "/v1/areas/13101'%20OR%201=1--/000101/schools", 400},
		{"GET", "/v1/areas/13101/000101'%3B%20DROP%20TABLE%20crimes--/crimes", 400},
		{"GET", "/v1/schools/abc/safety-score", 400},
		{"GET", "/v1/schools/1%20OR%201=1/safety-score", 400},
		{"GET", "/v1/schools/-1/safety-score", 400},
		{"GET", "/v1/schools/0/safety-score", 400},
		{"GET", "/v1/schools/99999999999999999999/safety-score", 400},
		{"GET", "/v1/areas/13101/000101/crimes?limit=0", 400},
		{"GET", "/v1/areas/13101/000101/crimes?limit=201", 400},
		{"GET", "/v1/areas/13101/000101/crimes?limit=ten", 400},
		{"GET", "/v1/areas/13101/000101/crimes?cursor=not-a-cursor", 400},
		{"GET", "/v1/areas/13101/000101/crimes?cursor=MTIzLjA", 400}, // "123.0": id 0
		{"GET", "/v1/areas?ward_code=13101'--", 400},
		{"GET", "/v1/areas?ward_code=99999", 404}, // unknown ward, like the path endpoints
		{"GET", "/v1/areas?ward_code=13123", 404}, // a real ward without towns in this data
		{"GET", "/v1/areas/13101/999999/safety-scores", 404},
		{"GET", "/v1/nope", 404},
		{"POST", "/v1/areas", 405},
		{"DELETE", "/v1/schools/1/safety-score", 405},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := do(t, tc.method, srv.URL+tc.path)
			if r.code != tc.code {
				t.Errorf("code = %d, want %d (body %v)", r.code, tc.code, r.body)
			}
			if !strings.HasPrefix(r.ctype, "application/json") {
				t.Errorf("content-type = %q, want JSON", r.ctype)
			}
			if msg, _ := r.body["error"].(string); msg == "" {
				t.Errorf(`body %v has no "error" message`, r.body)
			}
		})
	}
	// The injection attempts must not have touched the data.
	if r := get(t, srv.URL, "/v1/areas/13101/000101/crimes"); len(pick(r.body, "id")) != 3 {
		t.Errorf("crimes changed after injection-shaped requests: %v", r.body)
	}
}

func TestReadyzNeedsMigrations(t *testing.T) {
	srv := newServer(t, pgtest.Pool(t, pgtest.EmptyDB(t, pgtest.Shared(t))))
	r := get(t, srv.URL, "/readyz")
	if r.code != http.StatusServiceUnavailable || !strings.Contains(r.body["error"].(string), "migrations") {
		t.Errorf("unmigrated db: code %d body %v, want 503 mentioning migrations", r.code, r.body)
	}
	if r := get(t, srv.URL, "/healthz"); r.code != http.StatusOK {
		t.Errorf("healthz must not depend on the database: %d", r.code)
	}
}

// The database goes away (postgres stopped) and comes back: the endpoints
// that query it answer 503 with a JSON error meanwhile, the ones the
// snapshot serves keep serving the data read last, a pod that was ready
// stays ready (a pod that never reached the database is not), healthz stays
// 200, and the pool recovers by itself.
func TestDatabaseGoesAway(t *testing.T) {
	ctx := context.Background()
	own := pgtest.Private(t) // stopping it must not disturb other tests
	pool := pgtest.Pool(t, pgtest.MigratedDB(t, own))
	must(t, pgtest.AddArea(ctx, pool, ward, town, lon0, lat0))
	srv := newServer(t, pool)

	data := []string{"/v1/areas", "/v1/areas/13101/000101/schools", "/v1/areas/13101/000101/crimes",
		"/v1/areas/13101/000101/safety-scores", "/v1/schools/1/safety-score"}
	if r := get(t, srv.URL, "/readyz"); r.code != http.StatusOK {
		t.Fatalf("readyz before outage: %d %v", r.code, r.body)
	}
	before := get(t, srv.URL, "/v1/areas") // builds the snapshot

	must(t, own.Stop())
	for _, p := range []string{"/v1/areas/13101/000101/schools", "/v1/areas/13101/000101/crimes"} {
		r := get(t, srv.URL, p)
		if r.code != http.StatusServiceUnavailable || r.body["error"] == nil {
			t.Errorf("%s during outage: code %d body %v, want 503 with error", p, r.code, r.body)
		}
	}
	if r := get(t, srv.URL, "/readyz"); r.code != http.StatusOK {
		t.Errorf("readyz during outage of a pod that was ready: %d %v, want 200 (it still serves the snapshot)", r.code, r.body)
	}
	if r := get(t, newServer(t, pool).URL, "/readyz"); r.code != http.StatusServiceUnavailable || r.body["error"] == nil {
		t.Errorf("readyz during outage of a pod that never reached the database: %d %v, want 503 with error", r.code, r.body)
	}
	// Served from the snapshot read before the outage.
	if r := get(t, srv.URL, "/v1/areas"); r.code != http.StatusOK || fmt.Sprint(r.body) != fmt.Sprint(before.body) {
		t.Errorf("/v1/areas during outage: code %d body %v, want 200 with the areas read before (%v)", r.code, r.body, before.body)
	}
	if r := get(t, srv.URL, "/v1/areas/13101/000101/safety-scores"); r.code != http.StatusOK {
		t.Errorf("safety-scores during outage: code %d body %v, want 200 from the snapshot", r.code, r.body)
	}
	if r := get(t, srv.URL, "/healthz"); r.code != http.StatusOK {
		t.Errorf("healthz during outage: %d", r.code)
	}

	must(t, own.Restart(ctx))
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := get(t, srv.URL, "/readyz")
		if r.code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz did not recover: %d %v", r.code, r.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, p := range data {
		want := http.StatusOK
		if strings.HasPrefix(p, "/v1/schools/") {
			want = http.StatusNotFound // the area has no schools
		}
		if r := get(t, srv.URL, p); r.code != want {
			t.Errorf("%s after recovery: code %d body %v, want %d", p, r.code, r.body, want)
		}
	}
}
