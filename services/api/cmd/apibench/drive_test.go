package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// drive follows wrk's connection semantics: exactly conns keep-alive
// connections, every request answered on one of them, every sample a
// complete response, gzip asked for as the endpoint says.
func TestDriveKeepsConnsConnections(t *testing.T) {
	var opened, served, gzipAsked atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		if r.Header.Get("Accept-Encoding") == "gzip" {
			gzipAsked.Add(1)
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	const conns = 4
	e := endpoint{name: "test", path: func(int) string { return "/x" }, gzip: true}
	client := newClient(srv.URL, conns)
	r := drive(context.Background(), client, srv.URL, e, conns, 300*time.Millisecond)
	client.CloseIdleConnections()

	if r.n == 0 || r.errors != 0 {
		t.Fatalf("drive: %d responses, %d errors; want some and none", r.n, r.errors)
	}
	if got := opened.Load(); got != conns {
		t.Errorf("connections opened = %d, want %d (one per conn, kept alive)", got, conns)
	}
	if int64(r.n) > served.Load() || gzipAsked.Load() != served.Load() {
		t.Errorf("%d samples, %d served, %d asked for gzip; want samples <= served, all gzip", r.n, served.Load(), gzipAsked.Load())
	}
	if r.bytes != int64(r.n)*int64(len(`{"ok":true}`)) {
		t.Errorf("bytes = %d, want %d per response", r.bytes, len(`{"ok":true}`))
	}
}
