// Package pgtest runs a throwaway PostgreSQL + PostGIS cluster for tests and
// the benchmark. It needs the Debian postgresql-15 and postgresql-15-postgis-3
// packages; nothing is downloaded.
//
// Cluster (this file) is shared with the benchmark (cmd/apibench); the test
// side is testmain.go (one TestMain shape and the pools tests use) and
// fixture.go (rows tests insert).
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultBinDir is where Debian installs the PostgreSQL 15 server binaries.
const DefaultBinDir = "/usr/lib/postgresql/15/bin"

// ErrUnavailable reports that a cluster cannot be started on this machine
// (binaries, PostGIS or a non-root user are missing).
var ErrUnavailable = errors.New("pgtest: PostgreSQL with PostGIS is unavailable")

// Cluster is one running (or stopped) throwaway postgres server.
type Cluster struct {
	binDir  string
	dir     string // temp root, removed by Close
	dataDir string
	sockDir string
	port    int
	cred    *syscall.Credential // non-nil when we must drop root privileges

	mu  sync.Mutex
	cmd *exec.Cmd
	log *os.File
}

// BinDir returns the server binary directory: $PG_BIN or DefaultBinDir.
func BinDir() string {
	if d := os.Getenv("PG_BIN"); d != "" {
		return d
	}
	return DefaultBinDir
}

// Start creates a new cluster in a temp dir and starts postgres on a free
// 127.0.0.1 port. Errors wrapping ErrUnavailable mean the machine lacks the
// prerequisites; other errors are real failures.
func Start(ctx context.Context) (*Cluster, error) {
	binDir := BinDir()
	for _, b := range []string{"initdb", "postgres", "pg_config"} {
		if _, err := os.Stat(filepath.Join(binDir, b)); err != nil {
			return nil, fmt.Errorf("%w: %s/%s not found (apt-get install postgresql-15 postgresql-15-postgis-3, or set PG_BIN)", ErrUnavailable, binDir, b)
		}
	}
	if err := checkPostGIS(binDir); err != nil {
		return nil, err
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}

	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: temp dir: %w", err)
	}
	c := &Cluster{
		binDir:  binDir,
		dir:     dir,
		dataDir: filepath.Join(dir, "data"),
		sockDir: filepath.Join(dir, "sock"),
		cred:    cred,
	}
	if err := c.init(ctx); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if c.port, err = FreePort(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if err := c.Restart(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

// checkPostGIS looks for the postgis extension control file in the server's
// share dir, so a missing package is reported clearly instead of as a SQL error.
func checkPostGIS(binDir string) error {
	out, err := exec.Command(filepath.Join(binDir, "pg_config"), "--sharedir").Output()
	if err != nil {
		return fmt.Errorf("%w: pg_config --sharedir: %v", ErrUnavailable, err)
	}
	ctl := filepath.Join(strings.TrimSpace(string(out)), "extension", "postgis.control")
	if _, err := os.Stat(ctl); err != nil {
		return fmt.Errorf("%w: %s missing (apt-get install postgresql-15-postgis-3)", ErrUnavailable, ctl)
	}
	return nil
}

// serverCredential returns the credential to run postgres with. postgres
// refuses to run as root, so as root we switch to the "postgres" system user.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("%w: running as root and no 'postgres' user to drop privileges to: %v", ErrUnavailable, err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pgtest: parse postgres uid/gid: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func (c *Cluster) init(ctx context.Context) error {
	for _, d := range []string{c.dir, c.sockDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("pgtest: mkdir %s: %w", d, err)
		}
		if c.cred != nil {
			if err := os.Chown(d, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
				return fmt.Errorf("pgtest: chown %s to postgres: %w", d, err)
			}
		}
	}
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, "initdb"),
		"-D", c.dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync")
	c.setCred(cmd)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	return nil
}

func (c *Cluster) setCred(cmd *exec.Cmd) {
	// Setpgid keeps a Ctrl-C on the test run from reaching postgres before
	// we stop it ourselves.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred, Setpgid: true}
	cmd.Dir = c.dir
}

// FreePort returns a TCP port on 127.0.0.1 that is free right now.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: find free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Restart starts the server if it is stopped (same data dir and port) and
// waits until it accepts connections.
func (c *Cluster) Restart(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd != nil {
		return nil
	}
	logf, err := os.OpenFile(filepath.Join(c.dir, "postgres.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("pgtest: open log: %w", err)
	}
	// Durability is pointless for a throwaway cluster; turning it off makes
	// seeding and tests several times faster.
	cmd := exec.Command(filepath.Join(c.binDir, "postgres"),
		"-D", c.dataDir, "-p", strconv.Itoa(c.port), "-h", "127.0.0.1", "-k", c.sockDir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "shared_buffers=128MB")
	c.setCred(cmd)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	c.cmd, c.log = cmd, logf
	if err := c.waitReady(ctx, 60*time.Second); err != nil {
		c.stopLocked()
		return fmt.Errorf("%w\n%s", err, c.tailLog())
	}
	return nil
}

func (c *Cluster) waitReady(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgtest: postgres not ready after %s: %w", limit, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (c *Cluster) tailLog() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// Stop shuts postgres down (fast shutdown) but keeps the data, so Restart
// can bring it back: tests use this to simulate the database going away.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stopLocked()
}

func (c *Cluster) stopLocked() error {
	if c.cmd == nil {
		return nil
	}
	// SIGINT = "fast" shutdown: disconnect clients, no waiting for them.
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		err = <-done
	}
	c.log.Close()
	c.cmd, c.log = nil, nil
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return nil // a signalled exit is the expected outcome
	}
	return err
}

// Close stops the server and removes its files.
func (c *Cluster) Close() error {
	err := c.Stop()
	return errors.Join(err, os.RemoveAll(c.dir))
}

// Port is the TCP port postgres listens on (stable across restarts).
func (c *Cluster) Port() int { return c.port }

// URL returns a connection string for database db as the superuser.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// CreateDatabase creates a fresh database (optionally from a template) and
// returns its URL. Template databases give each test a cheap, isolated copy.
func (c *Cluster) CreateDatabase(ctx context.Context, name, template string) (string, error) {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return "", fmt.Errorf("pgtest: connect: %w", err)
	}
	defer conn.Close(ctx)
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if _, err := conn.Exec(ctx, sql); err != nil {
		return "", fmt.Errorf("pgtest: %s: %w", sql, err)
	}
	return c.URL(name), nil
}
