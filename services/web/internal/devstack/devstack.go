// Package devstack runs the whole app on one machine, the way production
// lays it out: a seeded PostGIS, the real API process, the web server, and
// in front an ALB stand-in that routes /v1/ to the API and everything else
// to the web server, so the browser sees one origin (no CORS, same CSP as in
// production). The browser test and `make web-dev` use it.
//
// The database comes from the API's own tooling: `apibench -hold` starts a
// throwaway PostgreSQL + PostGIS (services/api/internal/pgtest), migrates,
// seeds with the API's seed and waits; its internal packages cannot be
// imported from services/web.
package devstack

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gokinjo/platform/services/web/internal/server"
	"github.com/gokinjo/platform/services/web/ui"
)

// ErrUnavailable wraps failures caused by a machine without PostgreSQL 15 +
// PostGIS (as reported by the API's pgtest).
var ErrUnavailable = errors.New("devstack: PostgreSQL with PostGIS is unavailable")

// Seed sizes the dataset (flags of the API's seed).
type Seed struct {
	Wards, Areas, Schools, Crimes int
}

// Options configures a stack.
type Options struct {
	Seed Seed
	// DatabaseURL skips the throwaway database and serves this one (which
	// must be migrated and seeded already).
	DatabaseURL string
	// Addr is the front's listen address; empty means 127.0.0.1:0.
	Addr string
	// TileURL for the web server ("none" disables the background map).
	TileURL string
	// Log receives the API's and the database's output; nil discards it.
	Log io.Writer
}

// Stack is a running app.
type Stack struct {
	URL         string // the front: open this in a browser
	APIURL      string // the API directly, for comparisons
	DatabaseURL string

	bin   string
	log   io.Writer
	db    *exec.Cmd
	front *http.Server

	mu  sync.Mutex
	api *exec.Cmd
}

// Start brings the stack up; Close tears it down.
func Start(ctx context.Context, o Options) (_ *Stack, err error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	dist, err := ui.Dist()
	if err != nil {
		return nil, err
	}
	bin, err := os.MkdirTemp("", "gokinjo-devstack-")
	if err != nil {
		return nil, err
	}
	s := &Stack{bin: bin, log: o.Log}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	for _, cmd := range []string{"api", "apibench"} {
		if err := goBuild(ctx, "github.com/gokinjo/platform/services/api/cmd/"+cmd, filepath.Join(bin, cmd)); err != nil {
			return nil, err
		}
	}
	s.DatabaseURL = o.DatabaseURL
	if s.DatabaseURL == "" {
		if err := s.startDatabase(ctx, o.Seed); err != nil {
			return nil, err
		}
	}
	apiPort, err := freePort()
	if err != nil {
		return nil, err
	}
	s.APIURL = "http://127.0.0.1:" + strconv.Itoa(apiPort)
	if err := s.StartAPI(ctx); err != nil {
		return nil, err
	}

	cfg := server.Config{TileURL: o.TileURL}
	if cfg.TileURL == "" {
		cfg.TileURL, cfg.TileAttribution = server.DefaultTileURL, server.DefaultTileAttribution
	}
	if cfg.TileURL == "none" {
		cfg.TileURL = ""
	}
	web, err := server.New(cfg, dist)
	if err != nil {
		return nil, err
	}
	apiURL, _ := url.Parse(s.APIURL)
	api := httputil.NewSingleHostReverseProxy(apiURL)
	api.ErrorLog = nil
	api.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) {
		// What an ALB answers when no target is healthy.
		http.Error(w, "502 Bad Gateway", http.StatusBadGateway)
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", api)
	mux.Handle("/", web)
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.front = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.front.Serve(l) }()
	s.URL = "http://" + l.Addr().String()
	return s, nil
}

func goBuild(ctx context.Context, pkg, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("devstack: go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

// startDatabase runs `apibench -hold`, which prints DATABASE_URL once the
// database is migrated and seeded, and keeps it until SIGINT.
func (s *Stack) startDatabase(ctx context.Context, sd Seed) error {
	cmd := exec.Command(filepath.Join(s.bin, "apibench"), "-hold",
		"-wards", strconv.Itoa(sd.Wards), "-areas", strconv.Itoa(sd.Areas),
		"-schools", strconv.Itoa(sd.Schools), "-crimes", strconv.Itoa(sd.Crimes))
	// Our own process group, so a Ctrl-C reaches apibench only through
	// Close, which lets it remove its cluster.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGINT}
	var stderr strings.Builder
	cmd.Stderr = io.MultiWriter(&stderr, s.log)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("devstack: start apibench: %w", err)
	}
	s.db = cmd
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "DATABASE_URL="); ok {
				found <- v
			}
		}
		close(found)
	}()
	select {
	case v, ok := <-found:
		if !ok {
			_ = cmd.Wait()
			s.db = nil
			msg := stderr.String()
			if strings.Contains(msg, "unavailable") {
				return fmt.Errorf("%w: %s", ErrUnavailable, strings.TrimSpace(msg))
			}
			return fmt.Errorf("devstack: apibench -hold exited before the database was ready:\n%s", msg)
		}
		s.DatabaseURL = v
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// StartAPI starts `api serve` against the database and waits until /readyz
// answers 200. Used again after StopAPI.
func (s *Stack) StartAPI(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.api != nil {
		return nil
	}
	u, _ := url.Parse(s.APIURL)
	cmd := exec.Command(filepath.Join(s.bin, "api"), "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+s.DatabaseURL, "PORT="+u.Port(), "LOG_LEVEL=warn")
	cmd.Stdout, cmd.Stderr = s.log, s.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("devstack: start api: %w", err)
	}
	s.api = cmd
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(s.APIURL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("devstack: api not ready at %s/readyz: %v", s.APIURL, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// StopAPI stops the API process (SIGTERM, graceful drain) and waits for it.
func (s *Stack) StopAPI() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.api == nil {
		return nil
	}
	err := stop(s.api, syscall.SIGTERM)
	s.api = nil
	return err
}

// Close stops everything and removes the built binaries.
func (s *Stack) Close() {
	if s.front != nil {
		_ = s.front.Close()
	}
	_ = s.StopAPI()
	if s.db != nil {
		_ = stop(s.db, syscall.SIGINT)
	}
	_ = os.RemoveAll(s.bin)
}

func stop(cmd *exec.Cmd, sig syscall.Signal) error {
	_ = cmd.Process.Signal(sig)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil
		}
		return err
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		return <-done
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
