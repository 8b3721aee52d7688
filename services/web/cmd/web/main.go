// Command web serves the gokinjo map frontend on $PORT (default 3001): the
// embedded app, /healthz, security headers. It writes no files and proxies
// nothing. Environment: PORT, API_ORIGIN, TILE_URL, TILE_ATTRIBUTION (see
// services/web/README.md).
package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gokinjo/platform/services/web/internal/server"
	"github.com/gokinjo/platform/services/web/ui"
)

// idleTimeout keeps idle keep-alive connections longer than the ALB's idle
// timeout (facts.ELB, 60 s; the Ingress keeps the default), so the ALB, not
// the server, closes them and never reuses one the server just closed (an
// occasional 502).
const idleTimeout = 75 * time.Second

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(log); err != nil {
		log.Error("web: exiting", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	cfg, err := server.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	dist, err := ui.Dist()
	if err != nil {
		return err
	}
	h, err := server.New(cfg, dist)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr:              net.JoinHostPort("", cfg.Port),
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       idleTimeout,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("web: listening", "addr", srv.Addr, "api_origin", cfg.APIOrigin, "tile_url", cfg.TileURL)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Static content drains fast; stay well inside the pod's grace period.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
