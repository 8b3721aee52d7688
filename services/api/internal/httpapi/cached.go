package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"github.com/gokinjo/platform/services/api/internal/cache"
)

// Cache-Control of the cached endpoints. Data only changes with a load, and
// a revalidation with the ETag costs one 304, so clients may reuse a copy
// for a short while and then ask again.
const (
	areasCacheControl = "public, max-age=60"
	tilesCacheControl = "public, max-age=300"
)

// serveCached writes a pre-rendered response: the gzip body when gzhttp
// negotiated gzip for this request, else the identity body, with a strong
// ETag per encoding; http.ServeContent answers If-None-Match with 304 and
// HEAD without a body.
func serveCached(w http.ResponseWriter, r *http.Request, resp *cache.Response, cacheControl string) {
	h := w.Header()
	h.Set("Content-Type", resp.ContentType)
	h.Set("Cache-Control", cacheControl)
	body, etag := resp.Body, resp.ETag
	if acceptsGzip(w) && len(resp.Gzip) < len(resp.Body) {
		body, etag = resp.Gzip, strings.TrimSuffix(etag, `"`)+`-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	http.ServeContent(directBody{w}, r, "", time.Time{}, bytes.NewReader(body))
}

// directBody lets http.ServeContent write a cached body with one Write of
// the cached bytes. ServeContent copies with io.CopyN, whose
// io.LimitedReader hides bytes.Reader's WriterTo, and the middleware's
// writers have no ReadFrom, so io.Copy allocated and filled a 32 KiB buffer
// for every response: under load on /v1/areas that copy and the garbage
// collection it caused were a fifth of the server's CPU (pprof).
type directBody struct{ http.ResponseWriter }

func (w directBody) ReadFrom(r io.Reader) (int64, error) {
	if lr, ok := r.(*io.LimitedReader); ok {
		if br, ok := lr.R.(*bytes.Reader); ok && int64(br.Len()) <= lr.N {
			return br.WriteTo(w.ResponseWriter) // the whole body
		}
	}
	return io.Copy(w.ResponseWriter, r) // a range request
}

// Unwrap lets http.ResponseController reach the writers below.
func (w directBody) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// acceptsGzip reports whether gzhttp chose gzip for this request: it wraps
// the ResponseWriter in a GzipResponseWriter only then. Walking the Unwrap
// chain reuses gzhttp's Accept-Encoding parsing instead of repeating it.
func acceptsGzip(w http.ResponseWriter) bool {
	for w != nil {
		switch v := w.(type) {
		case *gzhttp.GzipResponseWriter, gzhttp.GzipResponseWriterWithCloseNotify:
			return true
		case interface{ Unwrap() http.ResponseWriter }:
			w = v.Unwrap()
		default:
			return false
		}
	}
	return false
}
