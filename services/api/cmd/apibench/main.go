// Command apibench measures the API end to end on this machine with one
// command:
//
//	go run ./services/api/cmd/apibench [-clients 32] [-duration 10s]
//
// It starts a throwaway PostgreSQL + PostGIS cluster (package pgtest),
// migrates and seeds it, serves the API in-process on 127.0.0.1, drives
// each endpoint with N concurrent clients for a fixed duration and prints
// throughput and latency percentiles. All traffic stays on 127.0.0.1.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	_ "net/http/pprof" // -pprof
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gokinjo/platform/services/api/internal/config"
	"github.com/gokinjo/platform/services/api/internal/httpapi"
	"github.com/gokinjo/platform/services/api/internal/metrics"
	"github.com/gokinjo/platform/services/api/internal/migrate"
	"github.com/gokinjo/platform/services/api/internal/pgtest"
	"github.com/gokinjo/platform/services/api/internal/seed"
	"github.com/gokinjo/platform/services/api/internal/store"
)

type options struct {
	clients    []int
	duration   time.Duration
	warmup     time.Duration
	maxConns   int
	seed       seed.Options
	onlyTarget string
	hold       bool
	serve      string
	wrkDir     string
	pprof      string
	target     string
	dbURL      string
}

// clientList is a comma-separated -clients flag: each endpoint runs once per
// entry.
type clientList []int

func (c *clientList) String() string { return fmt.Sprint(*c) }
func (c *clientList) Set(v string) error {
	*c = nil
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("clients: %q is not a positive integer", f)
		}
		*c = append(*c, n)
	}
	return nil
}

func main() {
	o := options{seed: seed.DefaultOptions, clients: []int{32}}
	flag.Var((*clientList)(&o.clients), "clients", "concurrent clients per endpoint; a list such as 32,64 runs each endpoint once per entry")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured duration per endpoint")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured warm-up per endpoint")
	flag.IntVar(&o.maxConns, "db-max-conns", 10, "API database pool size (DB_MAX_CONNS)")
	flag.IntVar(&o.seed.Wards, "wards", o.seed.Wards, "wards to seed")
	flag.IntVar(&o.seed.Areas, "areas", o.seed.Areas, "areas to seed")
	flag.IntVar(&o.seed.Schools, "schools", o.seed.Schools, "schools to seed")
	flag.IntVar(&o.seed.Crimes, "crimes", o.seed.Crimes, "crimes to seed")
	flag.Uint64Var(&o.seed.Seed, "seed", o.seed.Seed, "dataset seed")
	flag.StringVar(&o.onlyTarget, "only", "", "run only the endpoint with this name")
	flag.BoolVar(&o.hold, "hold", false, "after seeding, print DATABASE_URL and wait for Ctrl-C (for EXPLAIN / psql)")
	flag.StringVar(&o.serve, "serve", "", "after seeding, serve the API on this address (e.g. 127.0.0.1:8081), write wrk scripts and wait for Ctrl-C")
	flag.StringVar(&o.target, "target", "", "drive an API already running at this base URL (started with -serve) instead of starting one; needs -database-url")
	flag.StringVar(&o.dbURL, "database-url", "", "with -target: the database -serve printed, to pick real towns and schools")
	flag.StringVar(&o.wrkDir, "wrk-dir", filepath.Join(os.TempDir(), "apibench-wrk"), "where -serve writes one wrk Lua script per endpoint")
	flag.StringVar(&o.pprof, "pprof", "", "with -serve: also serve net/http/pprof on this address (e.g. 127.0.0.1:6060) to profile the API under load")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "apibench:", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	if o.target != "" {
		return runAgainst(ctx, o)
	}
	logf("starting throwaway PostgreSQL + PostGIS")
	cluster, err := pgtest.Start(ctx)
	if err != nil {
		return err
	}
	defer cluster.Close()
	url, err := cluster.NewDatabase(ctx)
	if err != nil {
		return err
	}
	pool, err := store.OpenPool(ctx, config.Config{
		DatabaseURL: url, DBMaxConns: int32(o.maxConns), DBMinConns: int32(o.maxConns), DBConnTimeout: 5 * time.Second,
	})
	if err != nil {
		return err
	}
	defer pool.Close()

	start := time.Now()
	if _, err := migrate.Up(ctx, pool); err != nil {
		return err
	}
	logf("migrated in %s", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	res, err := seed.Run(ctx, pool, o.seed)
	if err != nil {
		return err
	}
	logf("seeded %d areas, %d schools, %d crimes in %s", res.Areas, res.Schools, res.Crimes, time.Since(start).Round(time.Millisecond))

	if o.hold {
		fmt.Printf("DATABASE_URL=%s\n", url)
		<-ctx.Done()
		return nil
	}

	ts, err := pickTargets(ctx, pool)
	if err != nil {
		return err
	}
	addr := "127.0.0.1:0"
	if o.serve != "" {
		addr = o.serve
	}
	base, shutdown, err := serveAPI(pool, addr)
	if err != nil {
		return err
	}
	defer shutdown()

	maxClients := slices.Max(o.clients)
	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: maxClients, MaxIdleConnsPerHost: maxClients, IdleConnTimeout: time.Minute,
			// Requests carry their own Accept-Encoding (see get), so the
			// client never spends CPU decompressing: like wrk, it only
			// reads the bytes.
			DisableCompression: true,
		},
	}
	// The first request after a load builds the data version's snapshot
	// (every school's score); time it apart from the steady state.
	start = time.Now()
	if !get(ctx, client, base+"/v1/areas", true) {
		return errors.New("first /v1/areas failed")
	}
	logf("first request (snapshot build) took %s", time.Since(start).Round(time.Millisecond))

	if o.serve != "" {
		if o.pprof != "" {
			// DefaultServeMux carries the net/http/pprof handlers; the API
			// has its own mux, so they are only reachable on this address.
			go func() { logf("pprof: %v", http.ListenAndServe(o.pprof, nil)) }()
		}
		if err := writeWrkScripts(o.wrkDir, endpoints(ts)); err != nil {
			return err
		}
		fmt.Printf("API on %s (DATABASE_URL=%s)\nwrk scripts in %s, e.g.\n  wrk -t2 -c32 -d10s --latency -s %s %s\nCtrl-C prints the peak RSS and stops.\n",
			base, url, o.wrkDir, filepath.Join(o.wrkDir, "areas-all.lua"), base)
		<-ctx.Done()
		fmt.Printf("peak RSS (VmHWM) of the API process: %s\n", peakRSS())
		return nil
	}
	fmt.Printf("\napibench: clients %v, %s per endpoint (+%s warm-up), GOMAXPROCS=%d, DB_MAX_CONNS=%d\n",
		o.clients, o.duration, o.warmup, runtime.GOMAXPROCS(0), o.maxConns)
	fmt.Printf("dataset: %d wards, %d areas, %d schools, %d crimes (seed %d)\n",
		o.seed.Wards, res.Areas, res.Schools, res.Crimes, o.seed.Seed)
	return measure(ctx, o, client, base, ts)
}

// runAgainst drives an API started elsewhere (apibench -serve), so the load
// generator and the server are separate processes, as with wrk.
func runAgainst(ctx context.Context, o options) error {
	if o.dbURL == "" {
		return errors.New("-target needs -database-url")
	}
	pool, err := pgxpool.New(ctx, o.dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	ts, err := pickTargets(ctx, pool)
	if err != nil {
		return err
	}
	maxClients := slices.Max(o.clients)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: maxClients, MaxIdleConnsPerHost: maxClients, IdleConnTimeout: time.Minute, DisableCompression: true}}
	fmt.Printf("\napibench: clients %v, %s per endpoint (+%s warm-up), GOMAXPROCS=%d, against %s\n",
		o.clients, o.duration, o.warmup, runtime.GOMAXPROCS(0), o.target)
	return measure(ctx, o, client, o.target, ts)
}

func measure(ctx context.Context, o options, client *http.Client, base string, ts targets) error {
	fmt.Printf("requests send Accept-Encoding: gzip unless the name says identity\n\n")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "endpoint\tclients\trequests\terrors\treq/s\tp50 ms\tp99 ms\tmax ms\tKB/resp\t")
	for _, e := range endpoints(ts) {
		if o.onlyTarget != "" && e.name != o.onlyTarget {
			continue
		}
		for i := range e.prewarm { // "once warm": every distinct path served once
			get(ctx, client, base+e.path(i), e.gzip)
		}
		for _, clients := range o.clients {
			if err := ctx.Err(); err != nil {
				return err
			}
			drive(ctx, client, base, e, clients, o.warmup) // warm caches and connections
			r := drive(ctx, client, base, e, clients, o.duration)
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", e.name, clients, r.n, r.errors,
				float64(r.n)/r.elapsed.Seconds(), ms(r.pct(50)), ms(r.pct(99)), ms(r.pct(100)),
				float64(r.bytes)/float64(max(r.n, 1))/1024)
			logf("%s with %d clients done", e.name, clients)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	who := "API + load generator"
	if o.target != "" {
		who = "load generator only"
	}
	fmt.Printf("\npeak RSS (VmHWM) of this process (%s): %s\n", who, peakRSS())
	return nil
}

// peakRSS reads the process's high-water resident set size.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// writeWrkScripts writes one wrk Lua script per endpoint that rotates
// through the same paths as apibench, with the same headers.
func writeWrkScripts(dir string, es []endpoint) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, e := range es {
		var b strings.Builder
		b.WriteString("-- generated by apibench -serve: " + e.name + "\npaths = {\n")
		for i := range 1000 {
			fmt.Fprintf(&b, "  %q,\n", e.path(i))
		}
		b.WriteString("}\ni = 0\n")
		if e.gzip {
			b.WriteString(`wrk.headers["Accept-Encoding"] = "gzip"` + "\n")
		}
		b.WriteString("request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n")
		name := strings.NewReplacer(" ", "-", "(", "", ")", "", "?", "-", ",", "").Replace(e.name) + ".lua"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "apibench: "+format+"\n", args...)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// targets are real keys from the seeded data, rotated through so the
// benchmark does not hammer one cached row.
type targets struct {
	tiles   [][3]int    // the zoom-12 tiles covering all towns
	towns   [][2]string // towns that have schools
	wards   []string
	schools []int64
}

func pickTargets(ctx context.Context, pool *pgxpool.Pool) (targets, error) {
	var t targets
	rows, err := pool.Query(ctx, `SELECT DISTINCT ward_code, town_code FROM schools ORDER BY 1, 2 LIMIT 500`)
	if err != nil {
		return t, fmt.Errorf("pick towns: %w", err)
	}
	t.towns, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var k [2]string
		return k, r.Scan(&k[0], &k[1])
	})
	if err != nil {
		return t, fmt.Errorf("pick towns: %w", err)
	}
	rows, _ = pool.Query(ctx, `SELECT DISTINCT ward_code FROM areas ORDER BY 1`)
	if t.wards, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return t, fmt.Errorf("pick wards: %w", err)
	}
	rows, _ = pool.Query(ctx, `SELECT id FROM schools ORDER BY id LIMIT 1000`)
	if t.schools, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return t, fmt.Errorf("pick schools: %w", err)
	}
	var minLon, minLat, maxLon, maxLat float64
	if err := pool.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(polygon) AS e FROM areas) x`).Scan(&minLon, &minLat, &maxLon, &maxLat); err != nil {
		return t, fmt.Errorf("extent: %w", err)
	}
	t.tiles = tilesAt(12, minLon, minLat, maxLon, maxLat)
	logf("whole-Tokyo zoom-12 tile set: %d tiles", len(t.tiles))
	if len(t.towns) == 0 || len(t.schools) == 0 {
		return t, errors.New("seeded data has no schools; raise -schools")
	}
	return t, nil
}

type endpoint struct {
	name string
	path func(i int) string
	gzip bool // send Accept-Encoding: gzip, as browsers do
	// prewarm fetches the first prewarm paths once before measuring.
	prewarm int
}

func endpoints(t targets) []endpoint {
	town := func(i int) [2]string { return t.towns[i%len(t.towns)] }
	return []endpoint{
		{"areas (all)", func(int) string { return "/v1/areas" }, true, 0},
		{"areas (all, identity)", func(int) string { return "/v1/areas" }, false, 0},
		{"areas?ward_code", func(i int) string { return "/v1/areas?ward_code=" + t.wards[i%len(t.wards)] }, true, 0},
		{"schools", func(i int) string { w := town(i); return "/v1/areas/" + w[0] + "/" + w[1] + "/schools" }, true, 0},
		{"crimes", func(i int) string { w := town(i); return "/v1/areas/" + w[0] + "/" + w[1] + "/crimes?limit=50" }, true, 0},
		{"safety-scores", func(i int) string { w := town(i); return "/v1/areas/" + w[0] + "/" + w[1] + "/safety-scores" }, true, 0},
		{"safety-score", func(i int) string { return fmt.Sprintf("/v1/schools/%d/safety-score", t.schools[i%len(t.schools)]) }, true, 0},
		{"tiles z12", func(i int) string {
			k := t.tiles[i%len(t.tiles)]
			return fmt.Sprintf("/v1/tiles/%d/%d/%d.mvt", k[0], k[1], k[2])
		}, true, len(t.tiles)},
	}
}

// tilesAt lists the tiles of zoom z covering the box.
func tilesAt(z int, minLon, minLat, maxLon, maxLat float64) [][3]int {
	n := math.Exp2(float64(z))
	tx := func(lon float64) int { return int((lon + 180) / 360 * n) }
	ty := func(lat float64) int {
		r := lat * math.Pi / 180
		return int((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n)
	}
	var out [][3]int
	for x := tx(minLon); x <= tx(maxLon); x++ {
		for y := ty(maxLat); y <= ty(minLat); y++ {
			out = append(out, [3]int{z, x, y})
		}
	}
	return out
}

func serveAPI(pool *pgxpool.Pool, addr string) (string, func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("listen: %w", err)
	}
	reg := metrics.NewRegistry()
	reg.MustRegister(metrics.NewPoolCollector(pool))
	srv := &http.Server{
		Handler: httpapi.New(httpapi.Options{
			Store:          store.New(pool),
			Logger:         slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
			Ready:          func(ctx context.Context) error { return migrate.Check(ctx, pool) },
			Registry:       reg,
			RequestTimeout: 5 * time.Second,
			// The production defaults (config.Load).
			VersionTTL: time.Second,
			AccessLog:  httpapi.AccessLog{Sample: 0.01, Slow: 250 * time.Millisecond},
		}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
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

// drive runs clients goroutines in a closed loop for d: each sends the
// next request as soon as the previous answer is read.
func drive(ctx context.Context, client *http.Client, base string, e endpoint, clients int, d time.Duration) result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	deadline, _ := ctx.Deadline()
	var (
		mu  sync.Mutex
		all result
		wg  sync.WaitGroup
	)
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errs, nbytes := 0, int64(0)
			conn := &keepAlive{base: base}
			defer conn.close()
			for i := c; ctx.Err() == nil; i += clients {
				t0 := time.Now()
				ok, n := conn.get(ctx, e.path(i), e.gzip)
				// The connection's deadline can fire before the context's
				// timer goroutine runs on a starved machine: check the clock.
				if ctx.Err() != nil || !time.Now().Before(deadline) {
					break // cut off by the deadline: not a real sample
				}
				lat = append(lat, time.Since(t0))
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
	all.elapsed = time.Since(start)
	all.n = len(all.lat)
	slices.Sort(all.lat)
	return all
}

func get(ctx context.Context, client *http.Client, url string, gzip bool) bool {
	ok, _ := fetch(ctx, client, url, gzip)
	return ok
}

// fetch reads one response to the end and returns its size on the wire.
func fetch(ctx context.Context, client *http.Client, url string, gzip bool) (bool, int64) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false, 0
	}
	if gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	res, err := client.Do(req)
	if err != nil {
		return false, 0
	}
	defer res.Body.Close()
	n, err := io.Copy(io.Discard, res.Body)
	return err == nil && res.StatusCode == http.StatusOK, n
}

// keepAlive is one client connection: it writes a request and reads the
// response with net/http's own parser (http.ReadResponse), one at a time,
// like one wrk connection. net/http's Client costs several times the
// server's CPU per small request (two goroutines and channels per
// connection), which on a 2-core machine made apibench report a fraction of
// the throughput wrk measured against the same server.
type keepAlive struct {
	base string // http://host:port
	c    net.Conn
	br   *bufio.Reader
}

func (k *keepAlive) get(ctx context.Context, path string, gzip bool) (bool, int64) {
	host := strings.TrimPrefix(k.base, "http://")
	if k.c == nil {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", host)
		if err != nil {
			return false, 0
		}
		k.c, k.br = c, bufio.NewReaderSize(c, 64<<10)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = k.c.SetDeadline(dl)
	}
	req := "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
	if gzip {
		req += "Accept-Encoding: gzip\r\n"
	}
	if _, err := io.WriteString(k.c, req+"\r\n"); err != nil {
		k.close()
		return false, 0
	}
	res, err := http.ReadResponse(k.br, nil)
	if err != nil {
		k.close()
		return false, 0
	}
	n, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil || res.Close {
		k.close()
	}
	return err == nil && res.StatusCode == http.StatusOK, n
}

func (k *keepAlive) close() {
	if k.c != nil {
		_ = k.c.Close()
		k.c = nil
	}
}
