//go:build tools

// Package tools pins promtool, which tests the composed Prometheus alert
// rules. It is its own module so Prometheus's dependency versions never leak
// into the main go.mod. Build: go build -o ../../bin/promtool
// github.com/prometheus/prometheus/cmd/promtool
package tools

import _ "github.com/prometheus/prometheus/cmd/promtool"
