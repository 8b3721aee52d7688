// Package migrate applies the API's embedded SQL migrations.
//
// A run is idempotent and safe to start from several pods at once: it holds a
// session-level pg_advisory_lock for its whole duration, records applied
// versions in schema_migrations, and applies each pending file in its own
// transaction together with its bookkeeping row.
package migrate

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var files embed.FS

// lockKey is an arbitrary constant shared by every instance of the API so
// concurrent runs serialise on the same advisory lock ("gokinjo" in ASCII).
const lockKey int64 = 0x676f6b696e6a6f

// Migration is one embedded SQL file.
type Migration struct {
	Version string // file name without .sql, e.g. "0001_postgis"
	SQL     string
}

// All returns the embedded migrations in apply order.
func All() ([]Migration, error) {
	entries, err := fs.ReadDir(files, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read embedded migrations: %w", err)
	}
	var ms []Migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := files.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, Migration{Version: strings.TrimSuffix(e.Name(), ".sql"), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// Versions returns the versions of all embedded migrations.
func Versions() ([]string, error) {
	ms, err := All()
	if err != nil {
		return nil, err
	}
	vs := make([]string, len(ms))
	for i, m := range ms {
		vs[i] = m.Version
	}
	return vs, nil
}

// Up applies every pending migration and returns the versions it applied.
func Up(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	ms, err := All()
	if err != nil {
		return nil, err
	}
	// The advisory lock belongs to a session, so lock, migrate and unlock
	// all on one dedicated connection.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: acquire connection: %w", err)
	}
	defer conn.Release()

	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return nil, fmt.Errorf("migrate: take advisory lock: %w", err)
	}
	defer func() {
		// Use a fresh context: the caller's may already be cancelled, and a
		// leaked session lock would block every later run.
		if _, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey); err != nil {
			conn.Conn().Close(context.WithoutCancel(ctx)) // closing the session drops the lock
		}
	}()

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    text PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	applied, err := appliedSet(ctx, conn.Conn())
	if err != nil {
		return nil, err
	}

	var done []string
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		if err := apply(ctx, conn.Conn(), m); err != nil {
			return done, err
		}
		done = append(done, m.Version)
	}
	return done, nil
}

func appliedSet(ctx context.Context, conn *pgx.Conn) (map[string]bool, error) {
	rows, err := conn.Query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("migrate: list applied: %w", err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("migrate: list applied: %w", err)
	}
	set := make(map[string]bool, len(vs))
	for _, v := range vs {
		set[v] = true
	}
	return set, nil
}

func apply(ctx context.Context, conn *pgx.Conn, m Migration) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		// Exec without arguments uses the simple protocol, which allows
		// several statements per file.
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("migrate: apply %s: %w", m.Version, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", m.Version); err != nil {
			return fmt.Errorf("migrate: record %s: %w", m.Version, err)
		}
		return nil
	})
}

// Pending returns the embedded versions not yet recorded in the database.
// A missing schema_migrations table means everything is pending.
func Pending(ctx context.Context, q Querier) ([]string, error) {
	vs, err := Versions()
	if err != nil {
		return nil, err
	}
	var exists bool
	if err := q.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&exists); err != nil {
		return nil, fmt.Errorf("check pending migrations: %w", err)
	}
	if !exists {
		return vs, nil
	}
	rows, err := q.Query(ctx, `SELECT v FROM unnest($1::text[]) AS v
		WHERE NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = v)
		ORDER BY v`, vs)
	if err != nil {
		return nil, fmt.Errorf("check pending migrations: %w", err)
	}
	pending, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("check pending migrations: %w", err)
	}
	return pending, nil
}

// Querier is the subset of pgxpool.Pool / pgx.Conn that Pending needs.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Check returns nil when the database answers and every embedded migration
// is applied; the readiness probe uses it.
func Check(ctx context.Context, q Querier) error {
	pending, err := Pending(ctx, q)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("migrations not applied: %s", strings.Join(pending, ", "))
	}
	return nil
}
