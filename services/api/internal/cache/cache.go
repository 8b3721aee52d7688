// Package cache keeps what the API serves from memory, keyed on the data
// version: a load (api seed, the ETL) bumps the version in its own
// transaction, and the next request after that sees a new version and
// rebuilds the snapshot. Nothing is ever invalidated by time alone.
package cache

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gokinjo/platform/services/api/internal/store"
)

// Source is the data access the cache needs; *store.Store implements it.
type Source interface {
	DataVersion(ctx context.Context) (int64, error)
	LoadData(ctx context.Context) (*store.Data, error)
	Tile(ctx context.Context, z, x, y int, sc *store.TileScores) ([]byte, error)
}

// Cache holds the snapshot of the current data version.
type Cache struct {
	src Source
	// ttl is how long a checked version is trusted before asking the
	// database again; 0 asks on every request.
	ttl       time.Duration
	cur       atomic.Pointer[Snapshot]
	checkedAt atomic.Int64 // unix nanos of the last version check
	checking  atomic.Bool  // one request re-checks, the others keep serving
	mu        sync.Mutex   // serialises rebuilds
	limits    Limits
}

// Limits bound the memory the tile cache of one version may use.
type Limits struct {
	Tiles     int // entries
	TileBytes int // sum of raw and gzip bodies
}

// DefaultLimits keep a whole-Tokyo pyramid down to zoom 15 (about 1,400
// tiles) well under the API's 128 MiB budget.
var DefaultLimits = Limits{Tiles: 8192, TileBytes: 48 << 20}

// New returns a cache over src that re-reads the data version at most once
// per ttl.
func New(src Source, ttl time.Duration, limits Limits) *Cache {
	return &Cache{src: src, ttl: ttl, limits: limits}
}

// rebuildTimeout bounds a snapshot build, which runs detached from the
// request that triggered it so a client hanging up does not waste it.
const rebuildTimeout = 60 * time.Second

// renderTimeout bounds a tile render, which runs detached from the request
// that started it: other requests for the tile wait for the same render, so
// the first client hanging up must not fail theirs.
const renderTimeout = 10 * time.Second

// Current returns the snapshot of the current data version, building it
// when a load changed the version.
func (c *Cache) Current(ctx context.Context) (*Snapshot, error) {
	s := c.cur.Load()
	if s != nil && c.ttl > 0 {
		fresh := time.Since(time.Unix(0, c.checkedAt.Load())) < c.ttl
		if fresh || !c.checking.CompareAndSwap(false, true) {
			return s, nil
		}
		defer c.checking.Store(false)
	}
	v, err := c.src.DataVersion(ctx)
	if err != nil {
		if s != nil {
			// The database is unreachable: what was read last is still
			// right as far as anyone can tell. The next request asks again.
			return s, nil
		}
		return nil, err
	}
	if s != nil && s.Version == v {
		c.checkedAt.Store(time.Now().UnixNano())
		return s, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.cur.Load(); s != nil && s.Version >= v {
		return s, nil // built by a request we waited for
	}
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rebuildTimeout)
	defer cancel()
	d, err := c.src.LoadData(bctx)
	if err != nil {
		return nil, err
	}
	s, err = newSnapshot(d, c.src, c.limits)
	if err != nil {
		return nil, err
	}
	c.cur.Store(s)
	c.checkedAt.Store(time.Now().UnixNano())
	return s, nil
}
