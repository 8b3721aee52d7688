package httpapi

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gokinjo/platform/services/api/internal/cache"
	"github.com/gokinjo/platform/services/api/internal/store"
)

// Codes are fixed-length digit strings (JIS ward code, e-Stat town code).
// Checking the shape before touching the database rejects injection-shaped
// input early; queries are parameterised regardless.
const (
	wardCodeLen = 5
	townCodeLen = 6

	defaultLimit = 50
	maxLimit     = 200
)

func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validWard(s string) error {
	if !digits(s, wardCodeLen) {
		return fmt.Errorf("ward_code must be %d digits", wardCodeLen)
	}
	return nil
}

func validTown(s string) error {
	if !digits(s, townCodeLen) {
		return fmt.Errorf("town_code must be %d digits", townCodeLen)
	}
	return nil
}

// parseID accepts a positive decimal id without sign or spaces.
func parseID(s string) (int64, error) {
	if s == "" || len(s) > 18 || !digits(s, len(s)) {
		return 0, fmt.Errorf("id must be a positive integer")
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("id must be a positive integer")
	}
	return id, nil
}

func parseLimit(s string) (int, error) {
	if s == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return 0, fmt.Errorf("limit must be an integer in [1, %d]", maxLimit)
	}
	return n, nil
}

// Cursors are opaque to clients: base64url("<unix nanos>.<id>").
func encodeCursor(c store.CrimeCursor) string {
	return base64.RawURLEncoding.EncodeToString(
		[]byte(strconv.FormatInt(c.OccurredAt.UnixNano(), 10) + "." + strconv.FormatInt(c.ID, 10)))
}

func decodeCursor(s string) (*store.CrimeCursor, error) {
	if s == "" {
		return nil, nil
	}
	errBad := fmt.Errorf("cursor is invalid")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, errBad
	}
	ns, id, ok := strings.Cut(string(b), ".")
	if !ok {
		return nil, errBad
	}
	n, err1 := strconv.ParseInt(ns, 10, 64)
	i, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || i <= 0 {
		return nil, errBad
	}
	return &store.CrimeCursor{OccurredAt: time.Unix(0, n).UTC(), ID: i}, nil
}

// parseTile validates z/x/y.mvt: decimal digits only, z in [0, MaxZoom], x
// and y inside the 2^z x 2^z grid.
func parseTile(zs, xs, ys string) (z, x, y int, err error) {
	ys, ok := strings.CutSuffix(ys, ".mvt")
	bad := fmt.Errorf("tile must be /v1/tiles/{z}/{x}/{y}.mvt with 0 <= z <= %d and 0 <= x, y < 2^z", cache.MaxZoom)
	if !ok {
		return 0, 0, 0, bad
	}
	var v [3]int
	for i, s := range []string{zs, xs, ys} {
		if s == "" || len(s) > 7 || !digits(s, len(s)) {
			return 0, 0, 0, bad
		}
		v[i], _ = strconv.Atoi(s)
	}
	if !cache.ValidTile(v[0], v[1], v[2]) {
		return 0, 0, 0, bad
	}
	return v[0], v[1], v[2], nil
}
