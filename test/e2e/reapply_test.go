//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// faultReapplyWhileDeleting deletes a Ready claim and applies it again as
// soon as it is gone, while Crossplane still deletes its old XR in the
// background. The names of an environment come from its claim, so the new
// XR would adopt the AWS resources the old one is deleting: it must compose
// nothing until the old XR's AWS resources are gone, say so on the claim
// within seconds, and then converge to the full environment in a consistent
// simulated AWS.
//
// It reuses the Ready claim of the scenario before it in namespace ns, and
// applies one there first when run alone.
func (h *harness) faultReapplyWhileDeleting(t *testing.T, ns string) {
	if _, err := h.c.get(h.ctx, claimAPIVersion, claimKind, ns, claimName); kerrors.IsNotFound(err) {
		if _, err := h.c.apply(h.ctx, h.devClaimIn(t, ns)); err != nil {
			t.Fatal(err)
		}
	}
	var claim *unstructured.Unstructured
	if err := poll(h.ctx, 3*time.Minute, 500*time.Millisecond, func() (bool, error) {
		var err error
		claim, err = h.c.get(h.ctx, claimAPIVersion, claimKind, ns, claimName)
		return err == nil && isTrue(claim, "Ready"), nil
	}); err != nil {
		t.Fatalf("the claim to delete and apply again is not Ready: %v", err)
	}
	oldXR, _, _ := unstructured.NestedString(claim.Object, "spec", "resourceRef", "name")
	oldRefs, err := h.composed(h.ctx, claim)
	if err != nil || len(oldRefs) == 0 {
		t.Fatalf("the claim's composed resources: %d, %v", len(oldRefs), err)
	}

	ri, _ := h.c.resource(claim)
	if err := ri.Delete(h.ctx, claimName, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	// Crossplane removes the claim once it has asked for its XR's
	// (background) deletion; the XR and its resources remain for a while.
	if err := poll(h.ctx, time.Minute, 100*time.Millisecond, func() (bool, error) {
		_, err := ri.Get(h.ctx, claimName, metav1.GetOptions{})
		return kerrors.IsNotFound(err), nil
	}); err != nil {
		t.Fatalf("the deleted claim is still there: %v", err)
	}
	start := time.Now()
	fresh := h.devClaimIn(t, ns)
	if _, err := h.c.apply(h.ctx, fresh); err != nil {
		t.Fatal(err)
	}

	// The old XR itself goes within a second; its AWS managed resources
	// are deleted for longer, in the Usages' order: they hold the names.
	var oldAWS []ref
	for _, r := range oldRefs {
		if strings.Contains(r.APIVersion, ".aws.upbound.io/") {
			oldAWS = append(oldAWS, r)
		}
	}
	want := fmt.Sprintf("XEnvironment %q of the same claim %s/%s", oldXR, ns, claimName)
	var explained, oldGone time.Duration
	var newXR, msg string
	composedEarly := 0
	err = poll(h.ctx, deleteBound(), 250*time.Millisecond, func() (bool, error) {
		c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, ns, claimName)
		if err != nil {
			return false, nil
		}
		newXR, _, _ = unstructured.NestedString(c.Object, "spec", "resourceRef", "name")
		if r := condition(c, "ResourcesReady"); r != nil {
			msg, _ = r["message"].(string)
		}
		if explained == 0 && strings.Contains(msg, want) {
			explained = time.Since(start)
		}
		// The new XR first, then the old resources: an old resource still
		// there afterwards was there when the new XR was read (it is being
		// deleted and never comes back), so what the new XR had composed
		// then was composed beside it.
		composedNow := 0
		if x, err := h.c.get(h.ctx, claimAPIVersion, "XEnvironment", "", newXR); newXR != "" && err == nil {
			composedNow = len(resourceRefs(x))
		}
		if same, _, replaced := h.existing(h.ctx, oldAWS); len(same)+len(replaced) > 0 {
			composedEarly = max(composedEarly, composedNow)
			return false, nil
		}
		oldGone = time.Since(start)
		return true, nil
	})
	if err != nil {
		t.Fatalf("the old XR's %d AWS managed resources were not gone within %s", len(oldAWS), deleteBound())
	}
	if newXR == oldXR {
		t.Fatalf("the claim applied again kept its old XR %s", oldXR)
	}
	if composedEarly > 0 {
		t.Errorf("the new XR %s composed %d resources while the old XR %s's AWS managed resources existed", newXR, composedEarly, oldXR)
	}
	switch {
	case explained == 0 && oldGone <= explainBound:
		// The old resources went before the claim had to say anything.
		t.Logf("the old XR's resources were gone %.1fs after apply, before the claim said it waits (last message %q)", oldGone.Seconds(), msg)
	case explained == 0:
		t.Errorf("the claim never said it waits for the old XR: want %q in ResourcesReady, last message %q", want, msg)
	case explained > explainBound:
		t.Errorf("the claim said it waits for the old XR %.1fs after apply, want within %s", explained.Seconds(), explainBound)
	}

	readyAt := time.Duration(0)
	if err := poll(h.ctx, 3*time.Minute, 500*time.Millisecond, func() (bool, error) {
		c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, ns, claimName)
		return err == nil && isTrue(c, "Ready"), nil
	}); err != nil {
		t.Fatalf("the claim applied again was not Ready within 3 minutes of its old XR's deletion:\n%s", h.simFailures())
	}
	readyAt = time.Since(start)
	c, _ := h.c.get(h.ctx, claimAPIVersion, claimKind, ns, claimName)
	refs, _ := h.composed(h.ctx, c)
	if w, _ := goldenComposedCount("dev"); len(refs) != w {
		t.Errorf("the claim applied again composed %d resources, golden %d", len(refs), w)
	}
	if f := h.simRefusals(); f != "" {
		t.Errorf("the simulated AWS refuses what the claim applied again composes:\n%s", f)
	}
	calls, largest := h.waitingRequests(newXR)
	h.figs.add("fault claim-reapplied-while-deleting: waiting explained %.1fs after apply, the old XR's AWS resources gone %.1fs, Ready %.1fs after apply; %d composed before they were gone; %d RunFunction calls with required resources, the largest request %d kB",
		explained.Seconds(), oldGone.Seconds(), readyAt.Seconds(), composedEarly, calls, largest/1000)
	if limit := 16 << 20; largest > limit*3/4 {
		t.Errorf("a waiting XEnvironment's request was %d bytes, close to the function's %d-byte limit (main.go --max-recv-message-size)", largest, limit)
	}
}

// waitingRequests counts the RunFunction calls of an XR that carried
// required resources, and the size of the largest (the function logs it).
func (h *harness) waitingRequests(xrName string) (calls, largest int) {
	b, _ := os.ReadFile(filepath.Join(h.logs, "function-gokinjo.log"))
	re := regexp.MustCompile(`"request-bytes": (\d+)`)
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.Contains(l, "\tRequired resources\t") || !strings.Contains(l, `"xr-name": "`+xrName+`"`) {
			continue
		}
		calls++
		if m := re.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			largest = max(largest, n)
		}
	}
	return calls, largest
}
