package metrics

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// PoolCollector exports pgxpool statistics at scrape time. A Collector
// (rather than gauges updated by a ticker) reads pgxpool.Stat exactly when
// Prometheus asks, so values are never stale and no goroutine is needed.
type PoolCollector struct {
	stat func() PoolStat

	conns        *prometheus.Desc
	waitCount    *prometheus.Desc
	waitDuration *prometheus.Desc
}

// NewPoolCollector returns a collector for pool; register it on a registry.
func NewPoolCollector(pool *pgxpool.Pool) *PoolCollector {
	return newPoolCollector(func() PoolStat { return pool.Stat() })
}

// PoolStat is the part of *pgxpool.Stat the collector reads; an interface
// so tests can feed known values (a zero pgxpool.Stat is not usable).
type PoolStat interface {
	AcquiredConns() int32
	IdleConns() int32
	MaxConns() int32
	EmptyAcquireCount() int64
	EmptyAcquireWaitTime() time.Duration
}

func newPoolCollector(stat func() PoolStat) *PoolCollector {
	return &PoolCollector{
		stat: stat,
		conns: prometheus.NewDesc("gokinjo_db_pool_connections",
			"Database pool connections by state (in_use, idle, max).", []string{"state"}, nil),
		waitCount: prometheus.NewDesc("gokinjo_db_pool_wait_count_total",
			"Acquires that had to wait because the pool was empty.", nil, nil),
		waitDuration: prometheus.NewDesc("gokinjo_db_pool_wait_duration_seconds_total",
			"Total time spent waiting for a connection because the pool was empty.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *PoolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.conns
	ch <- c.waitCount
	ch <- c.waitDuration
}

// Collect implements prometheus.Collector.
func (c *PoolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stat()
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(s.AcquiredConns()), "in_use")
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(s.IdleConns()), "idle")
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(s.MaxConns()), "max")
	ch <- prometheus.MustNewConstMetric(c.waitCount, prometheus.CounterValue, float64(s.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(c.waitDuration, prometheus.CounterValue, s.EmptyAcquireWaitTime().Seconds())
}
