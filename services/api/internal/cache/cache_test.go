package cache

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gokinjo/platform/services/api/internal/store"
)

// fakeSource serves one version with one town; Tile blocks until release
// is closed, or until its context ends.
type fakeSource struct {
	versionErr atomic.Pointer[error]
	release    chan struct{}
	renders    atomic.Int32
}

func (f *fakeSource) DataVersion(context.Context) (int64, error) {
	if e := f.versionErr.Load(); e != nil {
		return 0, *e
	}
	return 1, nil
}

func (f *fakeSource) LoadData(context.Context) (*store.Data, error) {
	return &store.Data{Version: 1, Areas: []store.Area{{WardCode: "13101", TownCode: "001", Score: 50}},
		MinLon: 139.7, MinLat: 35.6, MaxLon: 139.8, MaxLat: 35.7}, nil
}

func (f *fakeSource) Tile(ctx context.Context, _, _, _ int, _ *store.TileScores) ([]byte, error) {
	f.renders.Add(1)
	select {
	case <-f.release:
		return []byte("tile"), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// A client that hangs up while its tile renders must not fail the requests
// waiting for the same render (they would get its Canceled as a 500).
func TestTileRenderOutlivesFirstRequest(t *testing.T) {
	src := &fakeSource{release: make(chan struct{})}
	c := New(src, 0, DefaultLimits)
	s, err := c.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Zoom 14 tile over the town's extent (139.75, 35.65).
	const z, x, y = 14, 14552, 6451
	first, hangUp := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() { _, err := s.Tile(first, z, x, y); firstErr <- err }()
	for src.renders.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	second := make(chan error, 1)
	go func() { _, err := s.Tile(context.Background(), z, x, y); second <- err }()
	time.Sleep(10 * time.Millisecond) // the second request waits on the render
	hangUp()
	time.Sleep(10 * time.Millisecond) // before the fix, the render ended here
	close(src.release)
	if err := <-second; err != nil {
		t.Errorf("the request waiting for the render got %v after the first client hung up, want the tile", err)
	}
	<-firstErr
	if n := src.renders.Load(); n != 1 {
		t.Errorf("%d renders of one tile, want 1", n)
	}
}

// While the database cannot be reached, the snapshot read last is served.
func TestStaleSnapshotWhileDatabaseDown(t *testing.T) {
	src := &fakeSource{release: make(chan struct{})}
	c := New(src, 0, DefaultLimits)
	want, err := c.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	down := errors.New("dial tcp: connection refused")
	src.versionErr.Store(&down)
	got, err := c.Current(context.Background())
	if err != nil || got != want {
		t.Errorf("with the database down: %v, %v; want the last snapshot", got, err)
	}
	// With no snapshot at all there is nothing to serve: the error.
	if _, err := New(src, 0, DefaultLimits).Current(context.Background()); !errors.Is(err, down) {
		t.Errorf("no snapshot and the database down: %v, want %v", err, down)
	}
}
