package config

import (
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLoad(t *testing.T) {
	cases := map[string]struct {
		env     map[string]string
		want    Config
		wantErr bool
	}{
		"defaults": {
			env: map[string]string{"DATABASE_URL": "postgres://x"},
			want: Config{DatabaseURL: "postgres://x", Port: 8081, DBMaxConns: 10, DBMinConns: 1,
				DBConnTimeout: 2 * time.Second, RequestTimeout: 5 * time.Second, ShutdownTimeout: 20 * time.Second,
				LogLevel: slog.LevelInfo, AccessLogSample: 0.01, SlowRequest: 250 * time.Millisecond, DataVersionTTL: time.Second},
		},
		"overrides": {
			env: map[string]string{"DATABASE_URL": "postgres://x", "PORT": "9000", "DB_MAX_CONNS": "32",
				"DB_MIN_CONNS": "4", "DB_CONNECT_TIMEOUT": "1s", "REQUEST_TIMEOUT": "3s",
				"SHUTDOWN_TIMEOUT": "10s", "LOG_LEVEL": "debug", "ACCESS_LOG_SAMPLE": "1", "SLOW_REQUEST": "0",
				"DATA_VERSION_TTL": "0s"},
			want: Config{DatabaseURL: "postgres://x", Port: 9000, DBMaxConns: 32, DBMinConns: 4,
				DBConnTimeout: time.Second, RequestTimeout: 3 * time.Second, ShutdownTimeout: 10 * time.Second,
				LogLevel: slog.LevelDebug, AccessLogSample: 1},
		},
		"missing url":    {env: map[string]string{}, wantErr: true},
		"bad port":       {env: map[string]string{"DATABASE_URL": "x", "PORT": "http"}, wantErr: true},
		"port range":     {env: map[string]string{"DATABASE_URL": "x", "PORT": "70000"}, wantErr: true},
		"min above max":  {env: map[string]string{"DATABASE_URL": "x", "DB_MAX_CONNS": "2", "DB_MIN_CONNS": "3"}, wantErr: true},
		"bad duration":   {env: map[string]string{"DATABASE_URL": "x", "REQUEST_TIMEOUT": "5"}, wantErr: true},
		"bad log level":  {env: map[string]string{"DATABASE_URL": "x", "LOG_LEVEL": "loud"}, wantErr: true},
		"sample above 1": {env: map[string]string{"DATABASE_URL": "x", "ACCESS_LOG_SAMPLE": "2"}, wantErr: true},
		"negative ttl":   {env: map[string]string{"DATABASE_URL": "x", "DATA_VERSION_TTL": "-1s"}, wantErr: true},
		"zero max conns": {env: map[string]string{"DATABASE_URL": "x", "DB_MAX_CONNS": "0"}, wantErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Load(func(k string) string { return tc.env[k] })
			if (err != nil) != tc.wantErr {
				t.Fatalf("Load() error = %v, wantErr %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Load() (-want +got):\n%s", diff)
			}
		})
	}
}
