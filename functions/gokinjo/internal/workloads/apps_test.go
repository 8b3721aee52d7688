package workloads

import "testing"

// TestGracefulStop: the ALB sends to a pod until its target deregisters, so
// an app pod sleeps in preStop (the kubelet's sleep action: the images have
// no shell) within a grace period that covers the sleep and the server's
// shutdown, and the app namespace asks the LB controller for its
// target-health readiness gate, so a rollout waits for healthy targets.
func TestGracefulStop(t *testing.T) {
	_, s, _ := converge(t, params("prod", known("prod"), nil))
	m := manifests(s)
	if got := path(m[compNamespace], "metadata.labels")[readinessGateLabel]; got != "enabled" {
		t.Errorf("namespace label %s = %v, want enabled", readinessGateLabel, got)
	}
	for _, app := range []string{"api", "frontend"} {
		spec := path(m[deploymentComp(app)], "spec.template.spec")
		c := spec["containers"].([]any)[0].(map[string]any)
		sleep := numTest(path(c, "lifecycle.preStop.sleep")["seconds"])
		if sleep <= 0 || path(c, "lifecycle.preStop")["exec"] != nil {
			t.Errorf("%s: preStop %v, want a sleep action (no shell in the image)", app, c["lifecycle"])
		}
		// The API's SHUTDOWN_TIMEOUT defaults to 20 s.
		if grace := numTest(spec["terminationGracePeriodSeconds"]); grace < sleep+20 {
			t.Errorf("%s: terminationGracePeriodSeconds %d does not cover the %d s sleep and a 20 s shutdown", app, grace, sleep)
		}
	}
}
