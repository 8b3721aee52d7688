package metrics

import (
	"strings"
	"testing"

	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestRouteLabel(t *testing.T) {
	cases := map[string]string{
		"GET /v1/areas/{ward_code}/{town_code}/schools": "/v1/areas/{ward_code}/{town_code}/schools",
		"/v1/areas": "/v1/areas",
		"":          UnmatchedRoute,
		"/":         UnmatchedRoute,
	}
	for in, want := range cases {
		if got := RouteLabel(in); got != want {
			t.Errorf("RouteLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPoolCollector(t *testing.T) {
	c := newPoolCollector(func() PoolStat { return fakeStat{} })
	want := `
# HELP gokinjo_db_pool_connections Database pool connections by state (in_use, idle, max).
# TYPE gokinjo_db_pool_connections gauge
gokinjo_db_pool_connections{state="idle"} 2
gokinjo_db_pool_connections{state="in_use"} 3
gokinjo_db_pool_connections{state="max"} 10
# HELP gokinjo_db_pool_wait_count_total Acquires that had to wait because the pool was empty.
# TYPE gokinjo_db_pool_wait_count_total counter
gokinjo_db_pool_wait_count_total 7
# HELP gokinjo_db_pool_wait_duration_seconds_total Total time spent waiting for a connection because the pool was empty.
# TYPE gokinjo_db_pool_wait_duration_seconds_total counter
gokinjo_db_pool_wait_duration_seconds_total 1.5
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}
}

func TestDurationBucketsCoverAlertBoundaries(t *testing.T) {
	has := map[float64]bool{}
	for _, b := range DurationBuckets {
		has[b] = true
	}
	for _, b := range []float64{0.005, 2, 5} {
		if !has[b] {
			t.Errorf("bucket %v missing", b)
		}
	}
}

type fakeStat struct{}

func (fakeStat) AcquiredConns() int32                { return 3 }
func (fakeStat) IdleConns() int32                    { return 2 }
func (fakeStat) MaxConns() int32                     { return 10 }
func (fakeStat) EmptyAcquireCount() int64            { return 7 }
func (fakeStat) EmptyAcquireWaitTime() time.Duration { return 1500 * time.Millisecond }
