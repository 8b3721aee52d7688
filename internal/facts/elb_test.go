package facts

import "testing"

func TestELB(t *testing.T) {
	checkSource(t, "elb", ELB.Source)
	if ELB.ALBIdleTimeoutSeconds <= 0 {
		t.Errorf("albIdleTimeoutSeconds = %d", ELB.ALBIdleTimeoutSeconds)
	}
}
