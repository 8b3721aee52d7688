package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // -pprof
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gokinjo/platform/services/api/internal/config"
	"github.com/gokinjo/platform/services/api/internal/httpapi"
	"github.com/gokinjo/platform/services/api/internal/metrics"
	"github.com/gokinjo/platform/services/api/internal/migrate"
	"github.com/gokinjo/platform/services/api/internal/pgtest"
	"github.com/gokinjo/platform/services/api/internal/store"
)

// The API always runs in a process of its own (apibench re-executing itself
// with -api), never inside the load generator: sharing one Go runtime
// would make the generator's goroutines and garbage collections the
// server's, and the peak RSS measured would not be the API's.

// apiProcess is the API served by a child apibench process.
type apiProcess struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
}

// startAPI starts `apibench -api` on a free 127.0.0.1 port over dbURL and
// waits until it answers /healthz.
func startAPI(ctx context.Context, o options, dbURL string) (*apiProcess, error) {
	addr := o.serve
	if addr == "" {
		port, err := pgtest.FreePort()
		if err != nil {
			return nil, err
		}
		addr = "127.0.0.1:" + strconv.Itoa(port)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"-api", "-listen", addr, "-database-url", dbURL, "-db-max-conns", strconv.Itoa(o.maxConns)}
	if o.pprof != "" {
		args = append(args, "-pprof", o.pprof)
	}
	cmd := exec.Command(self, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	// Its own process group: Ctrl-C reaches apibench, which then stops
	// the API after reading its peak RSS.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start API: %w", err)
	}
	p := &apiProcess{cmd: cmd, base: "http://" + addr}
	client := &http.Client{Timeout: time.Second}
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if res, err := client.Get(p.base + "/healthz"); err == nil {
			res.Body.Close()
			return p, nil
		}
		if ctx.Err() != nil || time.Since(start) > 30*time.Second {
			p.stop()
			return nil, fmt.Errorf("API on %s did not answer /healthz within 30s", addr)
		}
	}
}

// peakRSS is the API process's high-water resident set size.
func (p *apiProcess) peakRSS() string { return peakRSS(p.cmd.Process.Pid) }

func (p *apiProcess) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	_ = p.cmd.Wait()
}

// serveAPI is the -api mode: the API over an existing database with the
// production defaults (config.Load), until SIGTERM.
func serveAPI(ctx context.Context, o options) error {
	if o.pprof != "" {
		// DefaultServeMux carries the net/http/pprof handlers; the API has
		// its own mux, so they are only reachable on this address.
		go func() { logf("pprof: %v", http.ListenAndServe(o.pprof, nil)) }()
	}
	pool, err := store.OpenPool(ctx, config.Config{
		DatabaseURL: o.dbURL, DBMaxConns: int32(o.maxConns), DBMinConns: int32(o.maxConns), DBConnTimeout: 5 * time.Second,
	})
	if err != nil {
		return err
	}
	defer pool.Close()
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
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
			VersionTTL:     time.Second,
			AccessLog:      httpapi.AccessLog{Sample: 0.01, Slow: 250 * time.Millisecond},
		}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// peakRSS reads a process's high-water resident set size (VmHWM).
func peakRSS(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
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
