//go:build e2e

package e2e

import (
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// explainBound is how soon the claim must show what its XRs know: the
// claim controller copies conditions on the XR's watch event, so seconds.
const explainBound = 15 * time.Second

// faultRefusedOverride applies a dev claim whose budget override the
// function refuses (budget.enforce with a limit below the estimate: the
// schema accepts it, only the cost estimate can judge it). The claim must
// show Composed=False, reason Refused, with the function's message naming
// the field, within seconds, and nothing may be composed.
func (h *harness) faultRefusedOverride(t *testing.T) {
	const ns = "gokinjo-e2e-refused"
	claim := h.devClaimIn(t, ns)
	_ = unstructured.SetNestedMap(claim.Object, map[string]any{"enforce": true, "monthlyLimitUsd": int64(10)}, "spec", "parameters", "budget")
	start := time.Now()
	if _, err := h.c.apply(h.ctx, claim); err != nil {
		t.Fatalf("apply the over-budget claim (the schema must accept it): %v", err)
	}
	var c *unstructured.Unstructured
	err := poll(h.ctx, 2*time.Minute, 250*time.Millisecond, func() (bool, error) {
		var err error
		c, err = h.c.get(h.ctx, claimAPIVersion, claimKind, ns, claimName)
		if err != nil {
			return false, err
		}
		r := condition(c, "Composed")
		return r != nil && r["status"] == "False", nil
	})
	took := time.Since(start)
	if err != nil {
		t.Fatalf("the refusal never reached the claim: %s", conditions(c))
	}
	r := condition(c, "Composed")
	msg, _ := r["message"].(string)
	if r["reason"] != "Refused" || !strings.Contains(msg, "spec.parameters.budget.monthlyLimitUsd") {
		t.Errorf("claim Composed condition %v: want reason Refused naming spec.parameters.budget.monthlyLimitUsd", r)
	}
	if took > explainBound {
		t.Errorf("the refusal took %.1fs to reach the claim, want within %s", took.Seconds(), explainBound)
	}
	if refs, err := h.composed(h.ctx, c); err == nil && len(refs) > 0 {
		t.Errorf("a refused claim composed %d resources", len(refs))
	}
	h.figs.add("fault refused-override: claim Composed=False Refused %.1fs after apply: %q", took.Seconds(), msg)
	ri, _ := h.c.resource(claim)
	if err := ri.Delete(h.ctx, claimName, metav1.DeleteOptions{}); err != nil {
		t.Errorf("delete the refused claim: %v", err)
	}
}

// waitWatch records, while a claim is being created, when one of its layer
// XRs first says it waits for something (ResourcesReady "waiting for ...")
// and when the claim first carries a layer's own explanation that it waits
// (nestedWait). The environment's own waits (the workloads XR waits for the
// cluster's ProviderConfig) do not count: they show from the first
// reconcile and would prove nothing about a layer's reaching the claim.
type waitWatch struct {
	mu           sync.Mutex
	layer, claim time.Time
	layerMsg     string
	claimMsg     string
	stop         chan struct{}
	done         chan struct{}
	once         sync.Once
}

// close stops the watch (idempotent).
func (w *waitWatch) close() {
	w.once.Do(func() { close(w.stop) })
	<-w.done
}

// nestedWait is a layer's explanation, copied into the claim's message by
// the environment: `XCluster "cluster": 0/8 ready; waiting for ...`.
var nestedWait = regexp.MustCompile(`X[A-Za-z]+ "[a-z0-9-]+": \d+/\d+ ready; waiting for `)

func (h *harness) watchWaiting(ns string) *waitWatch {
	w := &waitWatch{stop: make(chan struct{}), done: make(chan struct{})}
	waiting := func(u *unstructured.Unstructured) string {
		c := condition(u, "ResourcesReady")
		if c == nil || c["status"] != "False" {
			return ""
		}
		m, _ := c["message"].(string)
		if !strings.Contains(m, "waiting for") {
			return ""
		}
		return m
	}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-h.ctx.Done():
				return
			case <-tick.C:
			}
			now := time.Now()
			w.mu.Lock()
			if w.layer.IsZero() {
				for _, x := range h.allXRs(h.t) {
					if x.GetKind() != "XEnvironment" && x.GetLabels()["crossplane.io/claim-namespace"] == ns {
						if m := waiting(x); m != "" {
							w.layer, w.layerMsg = now, x.GetKind()+": "+m
							break
						}
					}
				}
			}
			if w.claim.IsZero() {
				if c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, ns, claimName); err == nil {
					if m := waiting(c); nestedWait.MatchString(m) {
						w.claim, w.claimMsg = now, m
					}
				}
			}
			w.mu.Unlock()
		}
	}()
	return w
}

// check stops the watch and asserts the claim told of the waiting layer
// within explainBound of the layer saying so.
func (w *waitWatch) check(t *testing.T, h *harness) {
	w.close()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.layer.IsZero() {
		t.Errorf("no layer XR ever said what it waits for (ResourcesReady \"waiting for ...\")")
		return
	}
	if w.claim.IsZero() {
		t.Errorf("the claim never said a layer waits (layer said %q)", w.layerMsg)
		return
	}
	lag := w.claim.Sub(w.layer)
	if lag > explainBound {
		t.Errorf("the claim said a layer waits %.1fs after the layer did, want within %s", lag.Seconds(), explainBound)
	}
	h.figs.add("waiting layer on the claim: %.1fs after the layer (%s); claim: %q", lag.Seconds(), w.layerMsg, w.claimMsg)
}
