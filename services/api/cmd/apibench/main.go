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
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"slices"
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
	clients    int
	duration   time.Duration
	warmup     time.Duration
	maxConns   int
	seed       seed.Options
	onlyTarget string
	hold       bool
}

func main() {
	o := options{seed: seed.DefaultOptions}
	flag.IntVar(&o.clients, "clients", 32, "concurrent clients per endpoint")
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
	base, shutdown, err := serveAPI(pool)
	if err != nil {
		return err
	}
	defer shutdown()

	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: o.clients, MaxIdleConnsPerHost: o.clients, IdleConnTimeout: time.Minute,
		},
	}
	fmt.Printf("\napibench: %d clients, %s per endpoint (+%s warm-up), GOMAXPROCS=%d, DB_MAX_CONNS=%d\n",
		o.clients, o.duration, o.warmup, runtime.GOMAXPROCS(0), o.maxConns)
	fmt.Printf("dataset: %d wards, %d areas, %d schools, %d crimes (seed %d)\n\n",
		o.seed.Wards, res.Areas, res.Schools, res.Crimes, o.seed.Seed)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "endpoint\trequests\terrors\treq/s\tp50 ms\tp99 ms\tmax ms\t")
	for _, e := range endpoints(ts) {
		if o.onlyTarget != "" && e.name != o.onlyTarget {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		drive(ctx, client, base, e, o.clients, o.warmup) // warm caches and connections
		r := drive(ctx, client, base, e, o.clients, o.duration)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t\n", e.name, r.n, r.errors,
			float64(r.n)/r.elapsed.Seconds(), ms(r.pct(50)), ms(r.pct(99)), ms(r.pct(100)))
		logf("%s done", e.name)
	}
	return tw.Flush()
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "apibench: "+format+"\n", args...)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// targets are real keys from the seeded data, rotated through so the
// benchmark does not hammer one cached row.
type targets struct {
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
	if len(t.towns) == 0 || len(t.schools) == 0 {
		return t, errors.New("seeded data has no schools; raise -schools")
	}
	return t, nil
}

type endpoint struct {
	name string
	path func(i int) string
}

func endpoints(t targets) []endpoint {
	town := func(i int) [2]string { return t.towns[i%len(t.towns)] }
	return []endpoint{
		{"areas (all)", func(int) string { return "/v1/areas" }},
		{"areas?ward_code", func(i int) string { return "/v1/areas?ward_code=" + t.wards[i%len(t.wards)] }},
		{"schools", func(i int) string { w := town(i); return "/v1/areas/" + w[0] + "/" + w[1] + "/schools" }},
		{"crimes", func(i int) string { w := town(i); return "/v1/areas/" + w[0] + "/" + w[1] + "/crimes?limit=50" }},
		{"safety-scores", func(i int) string { w := town(i); return "/v1/areas/" + w[0] + "/" + w[1] + "/safety-scores" }},
		{"safety-score", func(i int) string { return fmt.Sprintf("/v1/schools/%d/safety-score", t.schools[i%len(t.schools)]) }},
	}
}

func serveAPI(pool *pgxpool.Pool) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
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
		}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

type result struct {
	n, errors int
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
			errs := 0
			for i := c; ctx.Err() == nil; i += clients {
				t0 := time.Now()
				ok := get(ctx, client, base+e.path(i))
				if ctx.Err() != nil {
					break // cut off by the deadline: not a real sample
				}
				lat = append(lat, time.Since(t0))
				if !ok {
					errs++
				}
			}
			mu.Lock()
			all.lat = append(all.lat, lat...)
			all.errors += errs
			mu.Unlock()
		}()
	}
	wg.Wait()
	all.elapsed = time.Since(start)
	all.n = len(all.lat)
	slices.Sort(all.lat)
	return all
}

func get(ctx context.Context, client *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	res, err := client.Do(req)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	return err == nil && res.StatusCode == http.StatusOK
}
