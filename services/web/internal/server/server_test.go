package server

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

// fakeDist is a minimal build output: the server's behaviour does not depend
// on what the bundle contains (the real one is checked in package ui and by
// the browser test).
var fakeDist = fstest.MapFS{
	"index.html": {Data: []byte(`<!doctype html><html><head>
<meta name="gokinjo-api-base" content="{{.APIBase}}">
<meta name="gokinjo-tile-url" content="{{.TileURL}}">
<meta name="gokinjo-tile-attribution" content="{{.TileAttribution}}">
<script src="/assets/app.js" defer></script></head><body></body></html>`)},
	"assets/app.js":  {Data: []byte(strings.Repeat("console.log('gokinjo');\n", 200))},
	"assets/app.css": {Data: []byte("body{margin:0}")},
}

func newTestServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	if cfg.Port == "" {
		cfg.Port = "3001"
	}
	h, err := New(cfg, fakeDist)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, method, url string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	// A bare transport, so the test sees Content-Encoding as sent.
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	srv := newTestServer(t, Config{APIOrigin: "http://127.0.0.1:8081", TileURL: "https://{s}.tile.example.org/{z}/{x}/{y}.png"})
	for _, tc := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/assets/app.js"}, {"GET", "/healthz"}, {"GET", "/nope"}, {"POST", "/"},
	} {
		res, _ := do(t, tc.method, srv.URL+tc.path, nil)
		want := map[string]string{
			"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; " +
				"img-src 'self' data: https://*.tile.example.org; connect-src 'self' http://127.0.0.1:8081; " +
				"font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
			"Referrer-Policy":        "strict-origin-when-cross-origin",
		}
		for k, v := range want {
			if got := res.Header.Get(k); got != v {
				t.Errorf("%s %s: %s = %q, want %q", tc.method, tc.path, k, got, v)
			}
		}
		for _, k := range []string{"Permissions-Policy", "Cross-Origin-Opener-Policy", "Strict-Transport-Security"} {
			if res.Header.Get(k) == "" {
				t.Errorf("%s %s: %s missing", tc.method, tc.path, k)
			}
		}
	}
}

func TestCSPSameOriginByDefault(t *testing.T) {
	srv := newTestServer(t, Config{TileURL: DefaultTileURL})
	res, _ := do(t, "GET", srv.URL+"/", nil)
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("CSP %q: connect-src must be only 'self' without API_ORIGIN", csp)
	}
	if !strings.Contains(csp, "img-src 'self' data: https://tile.openstreetmap.org;") {
		t.Errorf("CSP %q: img-src must allow the default tile server", csp)
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP %q allows inline code", csp)
	}
}

func TestHealthz(t *testing.T) {
	srv := newTestServer(t, Config{})
	res, body := do(t, "GET", srv.URL+"/healthz", nil)
	if res.StatusCode != http.StatusOK || body != "ok\n" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", res.StatusCode, body)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("healthz Cache-Control = %q", res.Header.Get("Cache-Control"))
	}
	res, _ = do(t, "HEAD", srv.URL+"/healthz", nil)
	if res.StatusCode != http.StatusOK {
		t.Errorf("HEAD /healthz = %d", res.StatusCode)
	}
}

func TestIndexCarriesConfigurationAsMeta(t *testing.T) {
	srv := newTestServer(t, Config{APIOrigin: "http://127.0.0.1:8081", TileURL: DefaultTileURL, TileAttribution: `<a href="x">"OSM"</a>`})
	res, body := do(t, "GET", srv.URL+"/", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`<meta name="gokinjo-api-base" content="http://127.0.0.1:8081">`,
		`<meta name="gokinjo-tile-url" content="https://tile.openstreetmap.org/{z}/{x}/{y}.png">`,
		// Attribute-escaped: configuration cannot inject markup into the page.
		`content="&lt;a href=&#34;x&#34;&gt;&#34;OSM&#34;&lt;/a&gt;"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("index.html lacks %s:\n%s", want, body)
		}
	}
}

func TestAssetsCompressedAndRevalidated(t *testing.T) {
	srv := newTestServer(t, Config{})
	res, body := do(t, "GET", srv.URL+"/assets/app.js", map[string]string{"Accept-Encoding": "gzip"})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /assets/app.js = %d", res.StatusCode)
	}
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("app.js not gzipped: Content-Encoding %q, Vary %q", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != string(fakeDist["assets/app.js"].Data) {
		t.Errorf("gunzipped app.js differs from the embedded file")
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("app.js Content-Type = %q", res.Header.Get("Content-Type"))
	}
	etag := res.Header.Get("ETag")
	if etag == "" || res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("app.js ETag %q, Cache-Control %q", etag, res.Header.Get("Cache-Control"))
	}
	res, _ = do(t, "GET", srv.URL+"/assets/app.js", map[string]string{"If-None-Match": etag})
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET = %d, want 304", res.StatusCode)
	}
	res, body = do(t, "GET", srv.URL+"/assets/app.js", nil)
	if res.Header.Get("Content-Encoding") != "" || body != string(fakeDist["assets/app.js"].Data) {
		t.Errorf("client without gzip got Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	srv := newTestServer(t, Config{})
	for _, tc := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/nope", http.StatusNotFound},
		{"GET", "/assets/", http.StatusNotFound},
		{"GET", "/assets/missing.js", http.StatusNotFound},
		// The mux cleans dot segments by redirecting; the target is a 404.
		{"GET", "/assets/../index.html", http.StatusTemporaryRedirect},
		{"GET", "/index.html", http.StatusNotFound}, // served only as /
		{"GET", "/v1/areas", http.StatusNotFound},   // no proxying: the ALB routes /v1
		{"GET", "/.env", http.StatusNotFound},
		{"POST", "/", http.StatusMethodNotAllowed},
		{"DELETE", "/assets/app.js", http.StatusMethodNotAllowed},
		{"PUT", "/healthz", http.StatusMethodNotAllowed},
	} {
		res, _ := do(t, tc.method, srv.URL+tc.path, nil)
		if res.StatusCode != tc.code {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, res.StatusCode, tc.code)
		}
		if tc.code == http.StatusMethodNotAllowed && res.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s %s: Allow = %q", tc.method, tc.path, res.Header.Get("Allow"))
		}
	}
}

func TestConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := ConfigFromEnv(env())
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != "3001" || c.APIOrigin != "" || c.TileURL != DefaultTileURL || c.TileAttribution == "" {
		t.Errorf("defaults = %+v", c)
	}
	c, err = ConfigFromEnv(env("TILE_URL", "none", "API_ORIGIN", "http://localhost:8081/"))
	if err != nil {
		t.Fatal(err)
	}
	if c.TileURL != "" || c.APIOrigin != "http://localhost:8081" {
		t.Errorf("TILE_URL=none, API_ORIGIN with slash = %+v", c)
	}
	for _, bad := range [][]string{
		{"API_ORIGIN", "localhost:8081"},
		{"API_ORIGIN", "http://localhost:8081/v1"},
		{"API_ORIGIN", "ftp://example.org"},
		{"TILE_URL", "https://tiles.example.org/tile.png"},
		{"TILE_URL", "//tiles.example.org/{z}/{x}/{y}.png"},
	} {
		if _, err := ConfigFromEnv(env(bad...)); err == nil {
			t.Errorf("%s=%s accepted", bad[0], bad[1])
		} else if !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%s=%s: error %q does not name the variable", bad[0], bad[1], err)
		}
	}
}
