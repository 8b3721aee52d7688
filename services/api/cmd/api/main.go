// Command api is the gokinjo neighbourhood REST API.
//
//	api [serve]   serve HTTP on $PORT (default 8081)
//	api migrate   apply the embedded schema migrations (idempotent)
//	api seed      load a deterministic synthetic Tokyo dataset
//
// All settings come from the environment; see services/api/README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/gokinjo/platform/services/api/internal/config"
	"github.com/gokinjo/platform/services/api/internal/httpapi"
	"github.com/gokinjo/platform/services/api/internal/metrics"
	"github.com/gokinjo/platform/services/api/internal/migrate"
	"github.com/gokinjo/platform/services/api/internal/seed"
	"github.com/gokinjo/platform/services/api/internal/store"
)

// idleTimeout keeps idle keep-alive connections longer than the ALB's idle
// timeout (facts.ELB, 60 s; the Ingress keeps the default), so the ALB, not
// the server, closes them and never reuses one the server just closed (an
// occasional 502).
const idleTimeout = 75 * time.Second

func main() {
	// SIGTERM is how Kubernetes asks a pod to stop; SIGINT for humans.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		slog.Error("api failed", "err", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	slog.SetDefault(log)

	switch cmd {
	case "serve":
		return serve(ctx, cfg, log)
	case "migrate":
		return runMigrate(ctx, cfg, log)
	case "seed":
		return runSeed(ctx, cfg, log, args)
	default:
		return fmt.Errorf("unknown command %q (want serve, migrate or seed)", cmd)
	}
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	pool, err := store.OpenPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	reg := metrics.NewRegistry()
	reg.MustRegister(metrics.NewPoolCollector(pool))
	handler := httpapi.New(httpapi.Options{
		Store:          store.New(pool),
		Logger:         log,
		Ready:          func(ctx context.Context) error { return migrate.Check(ctx, pool) },
		Registry:       reg,
		RequestTimeout: cfg.RequestTimeout,
		VersionTTL:     cfg.DataVersionTTL,
		AccessLog:      httpapi.AccessLog{Sample: cfg.AccessLogSample, Slow: cfg.SlowRequest},
		Prewarm:        true,
	})
	srv := &http.Server{
		Addr:              net.JoinHostPort("", strconv.Itoa(cfg.Port)),
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		// Leave room after the per-request timeout to write the error.
		WriteTimeout: cfg.RequestTimeout + 5*time.Second,
		IdleTimeout:  idleTimeout,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("serving", "addr", srv.Addr)

	select {
	case err := <-errc:
		return fmt.Errorf("listen: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("listen: %w", err)
	}
	log.Info("stopped")
	return nil
}

func runMigrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	pool, err := store.OpenPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	applied, err := migrate.Up(ctx, pool)
	if err != nil {
		return err
	}
	log.Info("migrations done", "applied", len(applied), "versions", applied)
	return nil
}

func runSeed(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	o := seed.DefaultOptions
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.IntVar(&o.Wards, "wards", o.Wards, "number of special wards (1-23)")
	fs.IntVar(&o.Areas, "areas", o.Areas, "number of towns")
	fs.IntVar(&o.Schools, "schools", o.Schools, "number of schools")
	fs.IntVar(&o.Crimes, "crimes", o.Crimes, "number of crimes")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "random seed; the same seed gives the same data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pool, err := store.OpenPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	start := time.Now()
	res, err := seed.Run(ctx, pool, o)
	if err != nil {
		return err
	}
	log.Info("seed done", "areas", res.Areas, "schools", res.Schools, "crimes", res.Crimes,
		"duration", time.Since(start).String())
	return nil
}
