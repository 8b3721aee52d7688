package facts

import (
	"regexp"
	"testing"
)

var iamAction = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9]+$`)

// TestIAM: every controller policy names its version, a source and
// well-formed actions, each once.
func TestIAM(t *testing.T) {
	lb, ok := IAM.Controllers["aws-load-balancer-controller"]
	if !ok || lb.Version != "v"+Charts.Charts["aws-load-balancer-controller"].AppVersion[1:] {
		t.Errorf("the load balancer controller's policy must be the one of the pinned chart's appVersion %s, got %q",
			Charts.Charts["aws-load-balancer-controller"].AppVersion, lb.Version)
	}
	for name, c := range IAM.Controllers {
		checkSource(t, "controller "+name, c.Source)
		if len(c.Actions) == 0 {
			t.Errorf("controller %s: no actions", name)
		}
		seen := map[string]bool{}
		for _, a := range c.Actions {
			if !iamAction.MatchString(a) || seen[a] {
				t.Errorf("controller %s: action %q malformed or repeated", name, a)
			}
			seen[a] = true
		}
	}
}
