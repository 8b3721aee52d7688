package awssim

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// withRollbackLimit sets spec.rollbackLimit of a Release.
func withRollbackLimit(u *unstructured.Unstructured, n int64) *unstructured.Unstructured {
	_ = unstructured.SetNestedField(u.Object, n, "spec", "rollbackLimit")
	return u
}

// TestFailedReleaseNeedsRollbackLimit (SIMULATED provider-helm v1.2.0): a
// release that failed stays failed once its cause is gone unless
// spec.rollbackLimit lets provider-helm retry it; retries stop at the
// limit; a changed spec is always tried.
func TestFailedReleaseNeedsRollbackLimit(t *testing.T) {
	prom := func(limit int64, retention string) *unstructured.Unstructured {
		u := release("prom", "kube-prometheus-stack", map[string]any{"prometheus": map[string]any{"prometheusSpec": map[string]any{
			"retention":   retention,
			"storageSpec": map[string]any{"volumeClaimTemplate": map[string]any{"spec": map[string]any{"storageClassName": "gp3"}}}}}}, true)
		if limit > 0 {
			withRollbackLimit(u, limit)
		}
		return u
	}
	class := objectMR("sc", map[string]any{"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": map[string]any{"name": "gp3"}})
	cases := map[string]struct {
		limit    int64
		failures int    // reconciles that fail before the class exists
		edit     string // retention after the class exists ("" unchanged)
		want     string // "" Available, else the message
	}{
		"NoLimitStaysFailed": {failures: 1, want: "failed to install release"},
		"LimitRetries":       {limit: 3, failures: 1},
		"LimitReached":       {limit: 1, failures: 3, want: "failed to install release"},
		"SpecChangeIsTried":  {failures: 1, edit: "14d"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			r := prom(tc.limit, "7d")
			for i := 0; i < tc.failures; i++ {
				apply(t, a, r)
				mustState(t, a, r, StateCreating, "failed to install release")
			}
			apply(t, a, class)
			if tc.edit != "" {
				r = prom(tc.limit, tc.edit)
			}
			apply(t, a, r)
			if tc.want == "" {
				mustState(t, a, r, StateAvailable, "")
				if h := state(a, r).helm; h.retries != 0 {
					t.Errorf("status.failed %d after the release deployed, want 0", h.retries)
				}
				return
			}
			mustState(t, a, r, StateCreating, tc.want)
			if e := state(a, r).Err; e == nil || e.Rule != "cluster-helm-retry" {
				t.Errorf("rule %v, want cluster-helm-retry", e)
			}
		})
	}
}

// TestAutoscalerNeedsDRARBAC: an autoscaler image of a minor that locks
// dynamic resource allocation on never gets ready in a chart version whose
// ClusterRole lacks the resource.k8s.io rules (facts charts.yaml).
func TestAutoscalerNeedsDRARBAC(t *testing.T) {
	ca := func(version, tag string) *unstructured.Unstructured {
		u := release("ca", "cluster-autoscaler", map[string]any{}, true)
		_ = unstructured.SetNestedField(u.Object, version, "spec", "forProvider", "chart", "version")
		if tag != "" {
			_ = unstructured.SetNestedField(u.Object, tag, "spec", "forProvider", "values", "image", "tag")
		}
		return u
	}
	cases := map[string]struct {
		version, tag, want string
	}{
		"OldChart135Image":  {"9.46.6", "v1.35.1", "cannot list resource \"resourceslices\" in API group \"resource.k8s.io\""},
		"Chart135":          {"9.59.0", "v1.35.1", ""},
		"Chart135Default":   {"9.59.0", "", ""},
		"OldChart132Image":  {"9.46.6", "v1.32.5", ""},
		"Chart134Image134":  {"9.53.0", "v1.34.4", ""},
		"FirstRBACChart135": {"9.54.0", "v1.35.1", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			r := ca(tc.version, tc.tag)
			apply(t, a, r)
			if tc.want == "" {
				mustState(t, a, r, StateAvailable, "")
				return
			}
			mustState(t, a, r, StateCreating, tc.want)
			if e := state(a, r).Err; e == nil || !strings.Contains(e.Error(), "cluster-autoscaler-rbac") {
				t.Errorf("error %v, want it to name rule cluster-autoscaler-rbac", e)
			}
		})
	}
}

// TestServiceWebhookWhileControllerStarts: while the LB controller's
// release is not running, its default Service webhook (failurePolicy Fail)
// refuses every Service creation: a Service Object waits, another chart's
// install fails. With enableServiceMutatorWebhook false nothing is refused.
func TestServiceWebhookWhileControllerStarts(t *testing.T) {
	svc := objectMR("svc", map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "api", "namespace": "gokinjo-dev"}})
	for name, tc := range map[string]struct {
		values map[string]any
		want   string
	}{
		"ChartDefault":    {values: map[string]any{}, want: `failed calling webhook "mservice.elbv2.k8s.aws"`},
		"WebhookDisabled": {values: map[string]any{"enableServiceMutatorWebhook": false}},
	} {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
			a.Now = func() time.Time { return now }
			a.Delays = Delays{Scale: 0.01} // The controller's release takes 0.6 s.
			lb := release("lb", LBControllerChart, tc.values, true)
			other := release("ms", "metrics-server", map[string]any{}, true)
			apply(t, a, other) // Installs in parallel, its delay running first.
			now = now.Add(500 * time.Millisecond)
			apply(t, a, lb)
			mustState(t, a, lb, StateCreating, "Creating")
			now = now.Add(200 * time.Millisecond) // other's delay is over, lb's is not.
			apply(t, a, svc, other)
			if tc.want == "" {
				mustState(t, a, svc, StateAvailable, "")
				mustState(t, a, other, StateAvailable, "")
				return
			}
			mustState(t, a, svc, StateCreating, tc.want)
			mustState(t, a, other, StateCreating, "failed to install release: Internal error occurred: "+tc.want)
		})
	}
}
