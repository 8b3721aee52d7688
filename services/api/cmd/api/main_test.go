package main

import (
	"testing"

	"github.com/gokinjo/platform/internal/facts"
)

// TestIdleTimeoutOutlastsALB: the ALB closes idle connections before the
// server does (facts.ELB).
func TestIdleTimeoutOutlastsALB(t *testing.T) {
	if idleTimeout <= facts.ELB.ALBIdleTimeout() {
		t.Errorf("idle timeout %s, want more than the ALB's %s", idleTimeout, facts.ELB.ALBIdleTimeout())
	}
}
