package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gokinjo/platform/services/api/internal/httpapi"
	"github.com/gokinjo/platform/services/api/internal/pgtest"
)

// raw sends a request without Go's transparent gzip, so the test sees the
// bytes and headers the server really sent.
var raw = &http.Client{Transport: &http.Transport{DisableCompression: true}}

type rawResponse struct {
	code int
	h    http.Header
	body []byte
}

func fetch(t *testing.T, url string, header ...string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	must(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := raw.Do(req)
	must(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	must(t, err)
	return rawResponse{res.StatusCode, res.Header, b}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	must(t, err)
	out, err := io.ReadAll(zr)
	must(t, err)
	return out
}

func TestAreasETagAnd304(t *testing.T) {
	srv := newServer(t, fixture(t))
	for _, path := range []string{"/v1/areas", "/v1/areas?ward_code=13101"} {
		t.Run(path, func(t *testing.T) {
			r := fetch(t, srv.URL+path)
			etag := r.h.Get("ETag")
			if r.code != 200 || etag == "" || !strings.HasPrefix(etag, `"`) {
				t.Fatalf("code %d ETag %q", r.code, etag)
			}
			if cc := r.h.Get("Cache-Control"); cc != "public, max-age=60" {
				t.Errorf("Cache-Control = %q", cc)
			}
			var body struct {
				Items []map[string]any `json:"items"`
			}
			must(t, json.Unmarshal(r.body, &body))
			if len(body.Items) != 2 || body.Items[0]["level"] == nil || body.Items[0]["lat"] == nil {
				t.Errorf("items = %v", body.Items)
			}
			again := fetch(t, srv.URL+path, "If-None-Match", etag)
			if again.code != http.StatusNotModified || len(again.body) != 0 || again.h.Get("ETag") != etag {
				t.Errorf("If-None-Match: code %d body %q ETag %q, want 304 empty with the same ETag", again.code, again.body, again.h.Get("ETag"))
			}
			other := fetch(t, srv.URL+path, "If-None-Match", `"0-0"`)
			if other.code != 200 {
				t.Errorf("stale If-None-Match: code %d, want 200", other.code)
			}
		})
	}
}

func TestCompressionNegotiated(t *testing.T) {
	srv := newServer(t, fixture(t))
	plain := fetch(t, srv.URL+"/v1/areas")
	gz := fetch(t, srv.URL+"/v1/areas", "Accept-Encoding", "gzip, deflate, br")
	if gz.h.Get("Content-Encoding") != "gzip" || !strings.Contains(gz.h.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("gzip accepted: Content-Encoding %q Vary %q", gz.h.Get("Content-Encoding"), gz.h.Get("Vary"))
	}
	if !bytes.Equal(gunzip(t, gz.body), plain.body) {
		t.Error("gzip body does not decompress to the identity body")
	}
	if gz.h.Get("ETag") == plain.h.Get("ETag") {
		t.Errorf("both encodings have ETag %s; a strong ETag must differ per encoding", gz.h.Get("ETag"))
	}
	if r := fetch(t, srv.URL+"/v1/areas", "Accept-Encoding", "gzip", "If-None-Match", gz.h.Get("ETag")); r.code != 304 {
		t.Errorf("gzip revalidation: code %d, want 304", r.code)
	}
	for _, ae := range []string{"", "identity", "gzip;q=0", "br"} {
		r := fetch(t, srv.URL+"/v1/areas", "Accept-Encoding", ae)
		if r.h.Get("Content-Encoding") != "" || !bytes.Equal(r.body, plain.body) {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want identity", ae, r.h.Get("Content-Encoding"))
		}
	}
	// Dynamic responses go through gzhttp too (above its 1 KiB minimum).
	r := fetch(t, srv.URL+"/v1/areas/13101/000101/crimes", "Accept-Encoding", "gzip")
	if r.code != 200 {
		t.Fatalf("crimes: %d", r.code)
	}
	if len(r.body) >= 1024 && r.h.Get("Content-Encoding") != "gzip" {
		t.Errorf("crimes (%d bytes) not compressed", len(r.body))
	}
}

func TestTiles(t *testing.T) {
	srv := newServer(t, fixture(t))
	// The fixture town (139.74..139.76, 35.67..35.69) lies in z14 tile
	// 14552/6451; a z14 tile 1 km east (x+2) is outside every town.
	in := fetch(t, srv.URL+"/v1/tiles/14/14552/6451.mvt", "Accept-Encoding", "gzip")
	if in.code != 200 || in.h.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("tile: code %d content-type %q body %q", in.code, in.h.Get("Content-Type"), in.body)
	}
	body := in.body
	if in.h.Get("Content-Encoding") == "gzip" {
		body = gunzip(t, body)
	}
	for _, layer := range []string{"towns", "schools", "crimes", "000101", "score"} {
		if !bytes.Contains(body, []byte(layer)) {
			t.Errorf("tile lacks %q", layer)
		}
	}
	if r := fetch(t, srv.URL+"/v1/tiles/14/14552/6451.mvt", "Accept-Encoding", "gzip", "If-None-Match", in.h.Get("ETag")); r.code != 304 {
		t.Errorf("tile revalidation: %d, want 304", r.code)
	}
	if cc := in.h.Get("Cache-Control"); cc != "public, max-age=300" {
		t.Errorf("tile Cache-Control = %q", cc)
	}
	// Below zoom 12 the crimes layer is left out.
	if low := fetch(t, srv.URL+"/v1/tiles/10/909/403.mvt"); low.code != 200 || !bytes.Contains(low.body, []byte("towns")) || bytes.Contains(low.body, []byte("crimes")) {
		t.Errorf("z10 tile: code %d, towns=%v crimes=%v", low.code, bytes.Contains(low.body, []byte("towns")), bytes.Contains(low.body, []byte("crimes")))
	}
	for _, p := range []string{"/v1/tiles/14/14556/6451.mvt", "/v1/tiles/12/0/0.mvt", "/v1/tiles/0/0/0.mvt"} {
		r := fetch(t, srv.URL+p)
		want := p != "/v1/tiles/0/0/0.mvt" // the world tile holds Tokyo
		if r.code != 200 || (len(r.body) == 0) != want {
			t.Errorf("%s: code %d, %d bytes; want 200 and empty=%v", p, r.code, len(r.body), want)
		}
	}
	for _, p := range []string{"14/14552/6451", "14/14552/6451.png", "23/0/0.mvt", "3/8/0.mvt", "3/0/8.mvt",
		"-1/0/0.mvt", "a/0/0.mvt", "3/0/1e1.mvt", "3/%2B1/0.mvt", "99999999/0/0.mvt"} {
		r := do(t, http.MethodGet, srv.URL+"/v1/tiles/"+p)
		if r.code != http.StatusBadRequest || r.body["error"] == nil {
			t.Errorf("/v1/tiles/%s: code %d body %v, want 400 with an error", p, r.code, r.body)
		}
	}
}

// A load (here: a new town with a school and crimes, the way the ETL adds
// rows) bumps the data version in its transaction, and every cache answers
// with the new data on the next request.
func TestLoadInvalidatesCaches(t *testing.T) {
	ctx := context.Background()
	pool := fixture(t)
	srv := newServer(t, pool)
	areas := fetch(t, srv.URL+"/v1/areas")
	tile := fetch(t, srv.URL+"/v1/tiles/14/14552/6451.mvt")
	score := get(t, srv.URL, "/v1/schools/2/safety-score")
	if score.body["score"] != 100.0 {
		t.Fatalf("before the load: school 2 score %v", score.body["score"])
	}

	tx, err := pool.Begin(ctx)
	must(t, err)
	_, err = tx.Exec(ctx, `INSERT INTO areas (ward_code, town_code, ward_name, ward_name_ja, town_name, town_name_ja, polygon)
		VALUES ('13101', '000103', 'W', 'W', 'New town', 'New town', ST_Multi(ST_MakeEnvelope(139.76, 35.67, 139.78, 35.69, 4326)))`)
	must(t, err)
	_, err = tx.Exec(ctx, `INSERT INTO schools (id, name, type, ward_code, town_code, point)
		VALUES (3, 'School 3', 'elementary', '13101', '000103', ST_SetSRID(ST_MakePoint(139.77, 35.68), 4326))`)
	must(t, err)
	// Until the load commits, nothing changes.
	if r := fetch(t, srv.URL+"/v1/areas", "If-None-Match", areas.h.Get("ETag")); r.code != 304 {
		t.Errorf("during the load: code %d, want 304", r.code)
	}
	must(t, tx.Commit(ctx))
	// School 2 now gets crimes nearby, school 3 stays clean.
	for i := range 5 {
		must(t, pgtest.AddCrimeNear(ctx, pool, ward, town, lon0, lat0+0.018, 100, float64(i*60), time.Date(2024, 3, 1, 12, i, 0, 0, time.UTC)))
	}

	r := fetch(t, srv.URL+"/v1/areas", "If-None-Match", areas.h.Get("ETag"))
	if r.code != 200 || r.h.Get("ETag") == areas.h.Get("ETag") || !bytes.Contains(r.body, []byte(`"000103"`)) {
		t.Errorf("areas after the load: code %d ETag %s (was %s); new town listed: %v", r.code, r.h.Get("ETag"), areas.h.Get("ETag"), bytes.Contains(r.body, []byte(`"000103"`)))
	}
	if r := fetch(t, srv.URL+"/v1/tiles/14/14552/6451.mvt", "If-None-Match", tile.h.Get("ETag")); r.code != 200 || bytes.Equal(r.body, tile.body) {
		t.Errorf("tile after the load: code %d, changed %v", r.code, !bytes.Equal(r.body, tile.body))
	}
	if r := get(t, srv.URL, "/v1/schools/2/safety-score"); r.body["score"] == 100.0 || r.body["crimes_within_500m"] != 5.0 {
		t.Errorf("school 2 after the load: %v", r.body)
	}
	if r := get(t, srv.URL, "/v1/areas/13101/000103/safety-scores"); r.code != 200 || len(pick(r.body, "school_id")) != 1 {
		t.Errorf("new town's scores: %d %v", r.code, r.body)
	}
}

// Ordinary requests are sampled; server errors and slow requests are
// always logged.
func TestAccessLogSampling(t *testing.T) {
	ctx := context.Background()
	own := pgtest.Private(t) // stopped below
	pool := pgtest.Pool(t, pgtest.MigratedDB(t, own))
	must(t, pgtest.AddArea(ctx, pool, ward, town, lon0, lat0))
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv := newServerWith(t, pool, func(o *httpapi.Options) {
		o.Logger = logger
		o.AccessLog = httpapi.AccessLog{Sample: 0, Slow: time.Hour}
	})
	for range 20 {
		get(t, srv.URL, "/v1/areas/13101/000101/schools")
	}
	if n := strings.Count(buf.String(), `"msg":"request"`); n != 0 {
		t.Errorf("sample 0: %d access lines for 20 fast 200s, want 0", n)
	}
	must(t, own.Stop())
	get(t, srv.URL, "/v1/areas/13101/000101/schools")
	if !strings.Contains(buf.String(), `"level":"ERROR","msg":"request"`) || !strings.Contains(buf.String(), `"status":503`) {
		t.Errorf("a 503 was not logged at error level:\n%s", buf.String())
	}

	buf.Reset()
	slow := newServerWith(t, pool, func(o *httpapi.Options) {
		o.Logger = logger
		o.AccessLog = httpapi.AccessLog{Sample: 0, Slow: time.Nanosecond}
	})
	get(t, slow.URL, "/healthz")
	if !strings.Contains(buf.String(), `"level":"WARN","msg":"request"`) {
		t.Errorf("a slow request was not logged at warn level:\n%s", buf.String())
	}
}
