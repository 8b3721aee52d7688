package cache

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sync"

	"github.com/klauspost/compress/gzip"

	"github.com/gokinjo/platform/services/api/internal/store"
)

// Response is a rendered body, compressed once, with its validator.
type Response struct {
	ContentType string
	ETag        string // strong, quoted; the gzip variant adds -gz
	Body        []byte
	Gzip        []byte
}

// Snapshot is one data version, rendered.
type Snapshot struct {
	*store.Data
	src    Source
	limits Limits

	areas       *Response            // all towns
	areasByWard map[string]*Response // one ward's towns; unknown ward = absent
	towns       map[string]bool      // ward_code+town_code
	schools     map[int64]*store.SafetyScore
	byTown      map[string][]store.SafetyScore
	tileScores  store.TileScores // also carries the scoring window

	tilesMu   sync.Mutex
	tiles     map[[3]int]*Response
	pending   map[[3]int]*flight // tiles being rendered: one query per tile
	tileBytes int
}

type flight struct {
	done chan struct{}
	resp *Response
	err  error
}

type listResponse[T any] struct {
	Items []T `json:"items"`
}

func newSnapshot(d *store.Data, src Source, limits Limits) (*Snapshot, error) {
	s := &Snapshot{
		Data: d, src: src, limits: limits,
		areasByWard: map[string]*Response{},
		towns:       make(map[string]bool, len(d.Areas)),
		schools:     make(map[int64]*store.SafetyScore, len(d.Scores)),
		byTown:      map[string][]store.SafetyScore{},
		tiles:       map[[3]int]*Response{},
		pending:     map[[3]int]*flight{},
	}
	var err error
	if s.areas, err = jsonResponse(d.Version, listResponse[store.Area]{Items: nonNil(d.Areas)}); err != nil {
		return nil, err
	}
	for i := 0; i < len(d.Areas); {
		j := i
		for j < len(d.Areas) && d.Areas[j].WardCode == d.Areas[i].WardCode {
			s.towns[d.Areas[j].WardCode+d.Areas[j].TownCode] = true
			s.tileScores.TownKeys = append(s.tileScores.TownKeys, d.Areas[j].WardCode+d.Areas[j].TownCode)
			s.tileScores.TownScores = append(s.tileScores.TownScores, int32(d.Areas[j].Score))
			j++
		}
		if s.areasByWard[d.Areas[i].WardCode], err = jsonResponse(d.Version, listResponse[store.Area]{Items: d.Areas[i:j]}); err != nil {
			return nil, err
		}
		i = j
	}
	if d.Window != nil {
		s.tileScores.CrimesAfter = &d.Window.From
	}
	for i := range d.Scores {
		sc := &d.Scores[i]
		s.schools[sc.SchoolID] = sc
		s.byTown[sc.WardCode+sc.TownCode] = append(s.byTown[sc.WardCode+sc.TownCode], *sc)
		s.tileScores.SchoolIDs = append(s.tileScores.SchoolIDs, sc.SchoolID)
		s.tileScores.SchoolScores = append(s.tileScores.SchoolScores, int32(sc.Score))
	}
	return s, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Areas returns the rendered town list, all towns for ward "" and one
// ward's otherwise; ok is false for a ward with no towns.
func (s *Snapshot) Areas(ward string) (r *Response, ok bool) {
	if ward == "" {
		return s.areas, true
	}
	r, ok = s.areasByWard[ward]
	return r, ok
}

// HasTown reports whether the town exists in this version.
func (s *Snapshot) HasTown(ward, town string) bool { return s.towns[ward+town] }

// School returns one school's score.
func (s *Snapshot) School(id int64) (store.SafetyScore, bool) {
	sc, ok := s.schools[id]
	if !ok {
		return store.SafetyScore{}, false
	}
	return *sc, true
}

// TownScores returns the scores of a town's schools ([] when it has none).
func (s *Snapshot) TownScores(ward, town string) []store.SafetyScore {
	return nonNil(s.byTown[ward+town])
}

func jsonResponse(version int64, v any) (*Response, error) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return newResponse(version, "application/json; charset=utf-8", buf.Bytes())
}

// newResponse compresses body once; the ETag combines the data version with
// a hash of the body, so a new release rendering the same version
// differently never matches a client's stale copy.
func newResponse(version int64, ctype string, body []byte) (*Response, error) {
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	h := fnv.New64a()
	h.Write(body)
	return &Response{
		ContentType: ctype,
		ETag:        fmt.Sprintf(`"%d-%x"`, version, h.Sum64()),
		Body:        body,
		Gzip:        gz.Bytes(),
	}, nil
}

// MVTContentType is the media type of Mapbox Vector Tiles.
const MVTContentType = "application/vnd.mapbox-vector-tile"

// Tile returns tile z/x/y, rendering and caching it on first use; requests
// for a tile being rendered wait for that render instead of repeating it,
// each until its own context ends (the render does not end with the first
// request's).
// Tiles outside the towns' extent are answered empty without a query.
func (s *Snapshot) Tile(ctx context.Context, z, x, y int) (*Response, error) {
	key := [3]int{z, x, y}
	s.tilesMu.Lock()
	if r, ok := s.tiles[key]; ok {
		s.tilesMu.Unlock()
		return r, nil
	}
	if f, ok := s.pending[key]; ok {
		s.tilesMu.Unlock()
		select {
		case <-f.done:
			return f.resp, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	s.pending[key] = f
	s.tilesMu.Unlock()

	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), renderTimeout)
	f.resp, f.err = s.renderTile(rctx, z, x, y)
	cancel()
	s.tilesMu.Lock()
	delete(s.pending, key)
	if f.err == nil {
		size := len(f.resp.Body) + len(f.resp.Gzip)
		if len(s.tiles) < s.limits.Tiles && s.tileBytes+size <= s.limits.TileBytes {
			s.tiles[key] = f.resp
			s.tileBytes += size
		}
	}
	s.tilesMu.Unlock()
	close(f.done)
	return f.resp, f.err
}

func (s *Snapshot) renderTile(ctx context.Context, z, x, y int) (*Response, error) {
	var body []byte
	if !s.Empty && intersects(z, x, y, s.MinLon, s.MinLat, s.MaxLon, s.MaxLat) {
		var err error
		if body, err = s.src.Tile(ctx, z, x, y, &s.tileScores); err != nil {
			return nil, err
		}
	}
	return newResponse(s.Version, MVTContentType, body)
}
