// Package config reads the API's settings from the environment, the way
// the workloads layer injects them into the pod.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"
)

// Config holds every runtime setting of the API.
type Config struct {
	DatabaseURL     string        // DATABASE_URL (required)
	Port            int           // PORT, default 8081
	DBMaxConns      int32         // DB_MAX_CONNS, default 10
	DBMinConns      int32         // DB_MIN_CONNS, default 1
	DBConnTimeout   time.Duration // DB_CONNECT_TIMEOUT, default 2s: fail fast when the DB is gone
	RequestTimeout  time.Duration // REQUEST_TIMEOUT, default 5s per request
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT, default 20s (below the pod's grace period)
	LogLevel        slog.Level    // LOG_LEVEL: debug|info|warn|error, default info
	AccessLogSample float64       // ACCESS_LOG_SAMPLE: fraction of ordinary requests logged, default 0.01
	SlowRequest     time.Duration // SLOW_REQUEST: always log requests at least this slow, default 250ms
	DataVersionTTL  time.Duration // DATA_VERSION_TTL: re-read the data version at most this often, default 1s; 0 = every request
}

// Load reads the configuration through getenv (os.Getenv in production, a
// map in tests) and reports every invalid value at once.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:     getenv("DATABASE_URL"),
		Port:            8081,
		DBMaxConns:      10,
		DBMinConns:      1,
		DBConnTimeout:   2 * time.Second,
		RequestTimeout:  5 * time.Second,
		ShutdownTimeout: 20 * time.Second,
		LogLevel:        slog.LevelInfo,
		AccessLogSample: 0.01,
		SlowRequest:     250 * time.Millisecond,
		DataVersionTTL:  time.Second,
	}
	var errs []error
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("DATABASE_URL is required"))
	}
	errs = append(errs,
		intVar(getenv, "PORT", &c.Port, 1, 65535),
		int32Var(getenv, "DB_MAX_CONNS", &c.DBMaxConns, 1, 1000),
		int32Var(getenv, "DB_MIN_CONNS", &c.DBMinConns, 0, 1000),
		durationVar(getenv, "DB_CONNECT_TIMEOUT", &c.DBConnTimeout),
		durationVar(getenv, "REQUEST_TIMEOUT", &c.RequestTimeout),
		durationVar(getenv, "SHUTDOWN_TIMEOUT", &c.ShutdownTimeout),
	)
	if v := getenv("ACCESS_LOG_SAMPLE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			errs = append(errs, fmt.Errorf("ACCESS_LOG_SAMPLE=%q: want a fraction in [0, 1] such as 0.01", v))
		} else {
			c.AccessLogSample = f
		}
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"SLOW_REQUEST", &c.SlowRequest}, {"DATA_VERSION_TTL", &c.DataVersionTTL}} {
		name, dst := d.name, d.dst
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				errs = append(errs, fmt.Errorf("%s=%q: want a duration such as 1s (0 allowed)", name, v))
			} else {
				*dst = d
			}
		}
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			errs = append(errs, fmt.Errorf("LOG_LEVEL: %w", err))
		}
	}
	if c.DBMinConns > c.DBMaxConns {
		errs = append(errs, fmt.Errorf("DB_MIN_CONNS (%d) must not exceed DB_MAX_CONNS (%d)", c.DBMinConns, c.DBMaxConns))
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

func intVar(getenv func(string) string, name string, dst *int, lo, hi int) error {
	v := getenv(name)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return fmt.Errorf("%s=%q: want an integer in [%d, %d]", name, v, lo, hi)
	}
	*dst = n
	return nil
}

func int32Var(getenv func(string) string, name string, dst *int32, lo, hi int) error {
	n := int(*dst)
	if err := intVar(getenv, name, &n, lo, hi); err != nil {
		return err
	}
	*dst = int32(n)
	return nil
}

func durationVar(getenv func(string) string, name string, dst *time.Duration) error {
	v := getenv(name)
	if v == "" {
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("%s=%q: want a positive duration such as 5s", name, v)
	}
	*dst = d
	return nil
}
