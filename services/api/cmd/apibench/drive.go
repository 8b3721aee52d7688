package main

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// The load model is wrk's, so that the two tools measure the same thing:
//   - conns keep-alive connections, each with one request in flight, sending
//     the next request as soon as the previous response is read (a closed
//     loop, like wrk -c conns; both therefore share wrk's coordinated
//     omission: a stall delays the requests that would have been sent
//     meanwhile instead of counting them as late);
//   - latency from sending the request to reading the last byte of the
//     response; throughput is responses completed within the measured
//     duration divided by it; requests cut off by its end are not counted;
//   - connections are opened during the warm-up, like wrk's before its
//     first request, and the client reads the bytes without inflating them.
//
// The client is fasthttp's HostClient (github.com/valyala/fasthttp, the
// client of the bombardier load tool). On a 2-core machine the load tool
// and the API share the cores, so the tool's own CPU per request decides how
// much is left for the API: net/http's Client took about 70 us per request
// against wrk's 30 us and so measured 30-37% fewer requests per second than
// wrk against the same server; fasthttp's client costs about what wrk does.

// newClient returns a client that keeps at most conns connections to the
// API at base (http://host:port), all reused.
func newClient(base string, conns int) *fasthttp.HostClient {
	return &fasthttp.HostClient{
		Addr:                     strings.TrimPrefix(base, "http://"),
		MaxConns:                 conns,
		MaxIdleConnDuration:      time.Minute,
		ReadTimeout:              10 * time.Second,
		WriteTimeout:             10 * time.Second,
		NoDefaultUserAgentHeader: true,
	}
}

type result struct {
	n, errors int
	bytes     int64
	elapsed   time.Duration
	lat       []time.Duration // sorted
}

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(float64(len(r.lat))*p/100+0.5) - 1
	return r.lat[max(0, min(i, len(r.lat)-1))]
}

// drive runs conns loops for d, each sending the next request as soon as
// the previous response is read.
func drive(ctx context.Context, client *fasthttp.HostClient, base string, e endpoint, conns int, d time.Duration) result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	deadline, _ := ctx.Deadline()
	var (
		mu  sync.Mutex
		all result
		wg  sync.WaitGroup
	)
	start := time.Now()
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errs, nbytes := 0, int64(0)
			for i := c; ; i += conns {
				t0 := time.Now()
				ok, n := fetch(client, base+e.path(i), e.gzip, deadline)
				t1 := time.Now()
				if ctx.Err() != nil || !t1.Before(deadline) {
					break // cut off by the end of the run: not a sample
				}
				lat = append(lat, t1.Sub(t0))
				nbytes += n
				if !ok {
					errs++
				}
			}
			mu.Lock()
			all.lat = append(all.lat, lat...)
			all.errors += errs
			all.bytes += nbytes
			mu.Unlock()
		}()
	}
	wg.Wait()
	all.elapsed = min(time.Since(start), d)
	all.n = len(all.lat)
	slices.Sort(all.lat)
	return all
}

// fetch reads one response to the end, giving up at deadline, and returns
// its size on the wire.
func fetch(client *fasthttp.HostClient, url string, gzip bool, deadline time.Time) (bool, int64) {
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	req.SetRequestURI(url)
	if gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	if err := client.DoDeadline(req, res, deadline); err != nil {
		return false, 0
	}
	return res.StatusCode() == fasthttp.StatusOK, int64(len(res.Body()))
}
