package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
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
	http.ServeContent(pooledCopy{w}, r, "", time.Time{}, bytes.NewReader(body))
}

// copyBuffers are the buffers http.ServeContent copies cached bodies
// through.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// pooledCopy lends http.ServeContent a pooled buffer. ServeContent copies
// with io.CopyN, whose io.LimitedReader hides bytes.Reader's WriterTo, and
// the middleware's writers have no ReadFrom, so io.Copy would allocate a
// 32 KiB buffer for every response: under load on /v1/areas that and the
// garbage collection it caused were a fifth of the server's CPU (pprof).
type pooledCopy struct{ http.ResponseWriter }

func (w pooledCopy) ReadFrom(r io.Reader) (int64, error) {
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	return io.CopyBuffer(w.ResponseWriter, r, *buf)
}

// Unwrap lets http.ResponseController reach the writers below.
func (w pooledCopy) Unwrap() http.ResponseWriter { return w.ResponseWriter }

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
