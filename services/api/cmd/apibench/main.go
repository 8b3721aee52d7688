// Command apibench measures the API end to end on this machine with one
// command:
//
//	go run ./services/api/cmd/apibench [-conns 32,64] [-duration 10s]
//
// It starts a throwaway PostgreSQL + PostGIS cluster (package pgtest),
// migrates and seeds it, starts the API in a process of its own on
// 127.0.0.1, drives each endpoint with N keep-alive connections for a fixed
// duration the way wrk does (drive.go) and prints throughput, latency
// percentiles and the API's peak RSS. All traffic stays on 127.0.0.1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/valyala/fasthttp"

	"github.com/gokinjo/platform/services/api/internal/migrate"
	"github.com/gokinjo/platform/services/api/internal/pgtest"
	"github.com/gokinjo/platform/services/api/internal/seed"
)

type options struct {
	conns      []int
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
	api        bool
	listen     string
	cpuProfile string
}

// connList is a comma-separated -conns flag: each endpoint runs once per
// entry.
type connList []int

func (c *connList) String() string { return fmt.Sprint(*c) }
func (c *connList) Set(v string) error {
	*c = nil
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("conns: %q is not a positive integer", f)
		}
		*c = append(*c, n)
	}
	return nil
}

func main() {
	o := options{seed: seed.DefaultOptions, conns: []int{32}}
	flag.Var((*connList)(&o.conns), "conns", "keep-alive connections per endpoint, like wrk -c; a list such as 32,64 runs each endpoint once per entry")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured duration per endpoint")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured warm-up per endpoint (opens the connections)")
	flag.IntVar(&o.maxConns, "db-max-conns", 10, "API database pool size (DB_MAX_CONNS)")
	flag.IntVar(&o.seed.Wards, "wards", o.seed.Wards, "wards to seed")
	flag.IntVar(&o.seed.Areas, "areas", o.seed.Areas, "areas to seed")
	flag.IntVar(&o.seed.Schools, "schools", o.seed.Schools, "schools to seed")
	flag.IntVar(&o.seed.Crimes, "crimes", o.seed.Crimes, "crimes to seed")
	flag.Uint64Var(&o.seed.Seed, "seed", o.seed.Seed, "dataset seed")
	flag.StringVar(&o.onlyTarget, "only", "", "run only the endpoint with this name")
	flag.BoolVar(&o.hold, "hold", false, "after seeding, print DATABASE_URL and wait for Ctrl-C (for EXPLAIN / psql)")
	flag.StringVar(&o.serve, "serve", "", "after seeding, serve the API on this address (e.g. 127.0.0.1:18081), warm it, write wrk scripts and wait for Ctrl-C (which prints the API's peak RSS)")
	flag.StringVar(&o.pprof, "pprof", "", "also serve the API process's net/http/pprof on this address (e.g. 127.0.0.1:16060)")
	flag.StringVar(&o.target, "target", "", "drive an API already running at this base URL (started with -serve) instead of starting one; needs -database-url")
	flag.StringVar(&o.dbURL, "database-url", "", "with -target: the database -serve printed, to pick real towns and schools")
	flag.StringVar(&o.wrkDir, "wrk-dir", filepath.Join(os.TempDir(), "apibench-wrk"), "where -serve writes one wrk Lua script per endpoint")
	flag.BoolVar(&o.api, "api", false, "internal: be the API process (serve -database-url on -listen until SIGTERM)")
	flag.StringVar(&o.listen, "listen", "", "internal: with -api, the address to serve on")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write the load generator's CPU profile to this file")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "apibench: cpuprofile:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "apibench:", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	switch {
	case o.api:
		return serveAPI(ctx, o)
	case o.target != "":
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
	pool, err := pgxpool.New(ctx, url)
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
	api, err := startAPI(ctx, o, url)
	if err != nil {
		return err
	}
	defer api.stop()

	// The first request after a load builds the data version's snapshot
	// (every school's score); time it apart from the steady state.
	client := newClient(api.base, 1)
	start = time.Now()
	if ok, _ := fetch(client, api.base+"/v1/areas", true, time.Now().Add(time.Minute)); !ok {
		return errors.New("first /v1/areas failed")
	}
	logf("first request (snapshot build) took %s", time.Since(start).Round(time.Millisecond))
	prewarm(client, api.base, endpoints(ts))

	if o.serve != "" {
		if err := writeWrkScripts(o.wrkDir, endpoints(ts)); err != nil {
			return err
		}
		fmt.Printf("API on %s (DATABASE_URL=%s), warm\nwrk scripts in %s, e.g.\n  wrk -t2 -c32 -d10s --latency -s %s %s\nCtrl-C prints the API's peak RSS and stops.\n",
			api.base, url, o.wrkDir, filepath.Join(o.wrkDir, "areas-all.lua"), api.base)
		<-ctx.Done()
		fmt.Printf("peak RSS (VmHWM) of the API process: %s\n", api.peakRSS())
		return nil
	}
	fmt.Printf("\napibench: conns %v, %s per endpoint (+%s warm-up), GOMAXPROCS=%d, DB_MAX_CONNS=%d\n",
		o.conns, o.duration, o.warmup, runtime.GOMAXPROCS(0), o.maxConns)
	fmt.Printf("dataset: %d wards, %d areas, %d schools, %d crimes (seed %d)\n",
		o.seed.Wards, res.Areas, res.Schools, res.Crimes, o.seed.Seed)
	if err := measure(ctx, o, api.base, ts); err != nil {
		return err
	}
	fmt.Printf("\npeak RSS (VmHWM) of the API process: %s\n", api.peakRSS())
	return nil
}

// runAgainst drives an API started elsewhere (apibench -serve).
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
	fmt.Printf("\napibench: conns %v, %s per endpoint (+%s warm-up), against %s\n",
		o.conns, o.duration, o.warmup, o.target)
	return measure(ctx, o, o.target, ts)
}

// prewarm serves every endpoint's prewarm paths once ("once warm": the
// tile set is rendered before it is measured).
func prewarm(client *fasthttp.HostClient, base string, es []endpoint) {
	for _, e := range es {
		for i := range e.prewarm {
			fetch(client, base+e.path(i), e.gzip, time.Now().Add(time.Minute))
		}
	}
}

func measure(ctx context.Context, o options, base string, ts targets) error {
	fmt.Printf("requests send Accept-Encoding: gzip unless the name says identity\n\n")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "endpoint\tconns\trequests\terrors\treq/s\tp50 ms\tp99 ms\tmax ms\tKB/resp\t")
	for _, e := range endpoints(ts) {
		if o.onlyTarget != "" && e.name != o.onlyTarget {
			continue
		}
		for _, conns := range o.conns {
			if err := ctx.Err(); err != nil {
				return err
			}
			client := newClient(base, conns)
			drive(ctx, client, base, e, conns, o.warmup) // opens the connections, warms caches
			r := drive(ctx, client, base, e, conns, o.duration)
			client.CloseIdleConnections()
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", e.name, conns, r.n, r.errors,
				float64(r.n)/r.elapsed.Seconds(), ms(r.pct(50)), ms(r.pct(99)), ms(r.pct(100)),
				float64(r.bytes)/float64(max(r.n, 1))/1024)
			logf("%s with %d conns done", e.name, conns)
		}
	}
	return tw.Flush()
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "apibench: "+format+"\n", args...)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
