// Package store holds every SQL query the API runs. Each exported method is
// one round trip to PostgreSQL, except LoadData, which reads one data
// version's derived data in one repeatable-read transaction.
package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gokinjo/platform/services/api/internal/config"
)

// ErrNotFound means the requested area or school does not exist.
var ErrNotFound = errors.New("not found")

// Store runs the API's queries on a pgx pool.
type Store struct {
	pool *pgxpool.Pool
}

// New wraps an open pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Pool exposes the pool for readiness checks and metrics.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// OpenPool builds a pgxpool from the config. It does not wait for the
// database: the API must start (and report not-ready) while it is down.
func OpenPool(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	pc.MaxConns = cfg.DBMaxConns
	pc.MinConns = cfg.DBMinConns
	pc.ConnConfig.ConnectTimeout = cfg.DBConnTimeout
	pc.ConnConfig.RuntimeParams["application_name"] = "gokinjo-api"
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("create pool: %w", err)
	}
	return pool, nil
}
