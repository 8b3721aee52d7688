// Package server is the web frontend's HTTP server: it serves the embedded
// app, /healthz and nothing else (no proxying: the browser calls the API
// through the ALB on the same origin, or API_ORIGIN for local runs).
package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"

	"github.com/klauspost/compress/gzhttp"
)

type asset struct {
	body        []byte
	etag        string
	contentType string
}

// New returns the root handler serving the app in dist (index.html plus
// assets/). index.html is rendered once with the configuration as <meta>
// tags, since inline scripts are forbidden by the CSP.
func New(cfg Config, dist fs.FS) (http.Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	index, err := renderIndex(cfg, dist)
	if err != nil {
		return nil, err
	}
	assets := map[string]asset{}
	err = fs.WalkDir(dist, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(dist, p)
		if err != nil {
			return err
		}
		assets["/"+p] = newAsset(b, mime.TypeByExtension(path.Ext(p)))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read assets: %w", err)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /{$}", serveAsset(index))
	mux.Handle("GET /assets/{file...}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets[r.URL.Path]
		if !ok {
			notFound(w, r)
			return
		}
		serveAsset(a).ServeHTTP(w, r)
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		notFound(w, r)
	})
	// gzhttp negotiates Accept-Encoding, sets Vary and skips small bodies:
	// the bundle shrinks from ~165 KB to ~50 KB on the wire.
	return securityHeaders(csp(cfg), gzhttp.GzipHandler(mux)), nil
}

func renderIndex(cfg Config, dist fs.FS) (asset, error) {
	src, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		return asset{}, fmt.Errorf("read index.html: %w", err)
	}
	t, err := template.New("index.html").Parse(string(src))
	if err != nil {
		return asset{}, fmt.Errorf("parse index.html: %w", err)
	}
	var buf bytes.Buffer
	err = t.Execute(&buf, struct{ APIBase, TileURL, TileAttribution string }{
		cfg.APIOrigin, cfg.TileURL, cfg.TileAttribution,
	})
	if err != nil {
		return asset{}, fmt.Errorf("render index.html: %w", err)
	}
	return newAsset(buf.Bytes(), "text/html; charset=utf-8"), nil
}

func newAsset(b []byte, contentType string) asset {
	sum := sha256.Sum256(b)
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	return asset{body: b, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, contentType: contentType}
}

// serveAsset answers with the asset; asset names are not content-hashed, so
// browsers revalidate (no-cache) and get a 304 while the ETag matches.
func serveAsset(a asset) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", a.etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
	})
}

func notFound(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "not found", http.StatusNotFound)
}
