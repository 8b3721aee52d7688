//go:build e2e

package e2e

import (
	"archive/tar"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/internal/awssim"
	"github.com/gokinjo/platform/test/e2e/simulator"
)

// releaseVersion is the tag the release pushes the app images at (the
// preset's DefaultAppVersion, cmd/gokinjo-package's default).
const releaseVersion = "v0.1.0"

// strictSimulator wires the simulator's registry to the local registry and
// plays the release pipeline: when an ECR repository is created, a
// placeholder image is pushed to it at releaseVersion (the local registry
// stands in for ECR). A Deployment or Job whose image is anything else
// never becomes Available or Complete.
func (h *harness) strictSimulator() {
	h.sim.Account.Images = simulator.LocalRegistry{Host: registryAddr}
	h.sim.OnCreated = func(u *unstructured.Unstructured) {
		if u.GetKind() != "Repository" || !strings.HasPrefix(u.GetAPIVersion(), "ecr.aws.upbound.io/") {
			return
		}
		url, _, _ := unstructured.NestedString(u.Object, "status", "atProvider", "repositoryUrl")
		repo, _ := simulator.ECRPath(url + ":" + releaseVersion)
		if err := h.pushPlaceholder(repo, releaseVersion); err != nil {
			h.t.Logf("release pipeline: cannot push %s:%s: %v", repo, releaseVersion, err)
		}
	}
}

// pushPlaceholder pushes a one-layer image with crane.
func (h *harness) pushPlaceholder(repo, tag string) error {
	layer := filepath.Join(h.work, "placeholder-layer.tar")
	if _, err := os.Stat(layer); err != nil {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		body := []byte("simulated release image\n")
		_ = tw.WriteHeader(&tar.Header{Name: "RELEASE", Mode: 0o644, Size: int64(len(body))})
		_, _ = tw.Write(body)
		_ = tw.Close()
		if err := os.WriteFile(layer, b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	out, err := exec.CommandContext(h.ctx, filepath.Join(h.bin, "crane"), "append", "-f", layer, "-t", registryAddr+"/"+repo+":"+tag).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
}

// simFailures lists what the strict simulator refuses right now.
func (h *harness) simFailures() string {
	var s []string
	for _, f := range h.sim.Account.Failures() {
		s = append(s, "  "+f.String())
	}
	return strings.Join(s, "\n")
}

// simRefusals lists the refusals that do not clear by themselves: an AWS
// error or a stalled in-cluster object. Unresolved references (a layer not
// composed yet) and a replica waiting for its source are left out.
func (h *harness) simRefusals() string {
	var s []string
	for _, f := range h.sim.Account.Failures() {
		if f.Err != nil && f.Err.Rule != "rds-replica-source" && f.Err.Rule != "usage" {
			s = append(s, "  "+f.String())
		}
	}
	return strings.Join(s, "\n")
}

// deleteBound is how long deleting all claims may take (E2E_DELETE_BOUND).
func deleteBound() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("E2E_DELETE_BOUND")); err == nil {
		return d
	}
	return 3 * time.Minute
}

// deleteAllClaims deletes the three claims at once. Deletion must complete
// within the bound (every composed resource gone, no delete refused by the
// simulated AWS for ever), and the simulated AWS must keep exactly the
// Orphan-policy resources, none depending on a deleted one, no leaked load
// balancer.
func (h *harness) deleteAllClaims(t *testing.T) {
	type envState struct {
		id       string
		composed []ref
		orphans  []string
		gone     time.Duration
	}
	state := map[string]*envState{}
	for _, e := range envs {
		c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-"+e, claimName)
		if err != nil {
			t.Fatalf("%s claim: %v", e, err)
		}
		refs, err := h.composed(h.ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		st := &envState{composed: refs}
		for _, r := range refs {
			o, err := h.c.get(h.ctx, r.APIVersion, r.Kind, "", r.Name)
			if err != nil {
				continue
			}
			if id := o.GetLabels()["platform.gokinjo.io/environment-id"]; id != "" {
				st.id = id
			}
			ext := o.GetAnnotations()[awssim.AnnotationExternalName]
			if s, _ := h.sim.Account.StateOf(o.GroupVersionKind().GroupKind(), o.GetName()); awssim.Retained(o) && s == awssim.StateAvailable {
				st.orphans = append(st.orphans, o.GetKind()+" "+ext)
			}
		}
		sort.Strings(st.orphans)
		state[e] = st
	}
	start := time.Now()
	for _, e := range envs {
		ri, _ := h.c.resource(claimObj(e))
		if err := ri.Delete(h.ctx, claimName, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	bound := deleteBound()
	_ = poll(h.ctx, bound, time.Second, func() (bool, error) {
		done := true
		for _, e := range envs {
			st := state[e]
			if st.gone > 0 {
				continue
			}
			ri, _ := h.c.resource(claimObj(e))
			_, err := ri.Get(h.ctx, claimName, metav1.GetOptions{})
			same, _, replaced := h.existing(h.ctx, st.composed)
			if kerrors.IsNotFound(err) && len(same)+len(replaced) == 0 {
				st.gone = time.Since(start)
				h.t.Logf("claim %s and its %d composed resources gone after %.1fs", e, len(st.composed), st.gone.Seconds())
				continue
			}
			done = false
		}
		return done, nil
	})
	var ops []string
	for _, ev := range h.sim.Events() {
		if !ev.Time.Before(start) && (ev.Op == "delete" || ev.Op == "orphan" || ev.Op == "delete-refused") {
			ops = append(ops, ev.Time.Sub(start).Round(time.Millisecond).String()+" "+ev.Op+" "+ev.Kind+" "+ev.Name)
		}
	}
	_ = os.WriteFile(filepath.Join(h.out, "deletion-order.txt"), []byte(strings.Join(ops, "\n")+"\n"), 0o644)
	for _, e := range envs {
		st := state[e]
		rep := h.sim.Account.Audit(st.id)
		took := "not complete"
		if st.gone > 0 {
			took = strconv.FormatFloat(st.gone.Seconds(), 'f', 1, 64) + "s"
		} else {
			same, _, _ := h.existing(h.ctx, st.composed)
			t.Errorf("deleting %s did not complete within %s: %d composed resources remain; the simulated AWS says:\n%s", e, bound, len(same), rep)
		}
		if len(rep.Leaked)+len(rep.Dangling) > 0 {
			t.Errorf("%s: deletion left the simulated AWS inconsistent:\n%s", e, rep)
		}
		if strings.Join(rep.Orphaned, "\n") != strings.Join(st.orphans, "\n") {
			t.Errorf("%s: left in the simulated AWS %v, want exactly the Orphan-policy set %v", e, rep.Orphaned, st.orphans)
		}
		h.figs.add("deletion, all claims at once, %-7s: %d composed, gone in %s; left in simulated AWS %d (Orphan set %d)",
			e, len(st.composed), took, len(rep.Orphaned), len(st.orphans))
	}
}

// delayScale is E2E_DELAY_SCALE: realistic AWS creation times (awssim.
// RealisticDelays) multiplied by it for the delay scenario; 0 skips it.
func delayScale() float64 {
	if v, err := strconv.ParseFloat(os.Getenv("E2E_DELAY_SCALE"), 64); err == nil {
		return v
	}
	return 0.02
}

// delayedDev applies the dev claim again with proportional AWS delays (EKS
// and RDS take minutes, node groups wait for their cluster, a replica for
// its source), so ordering bugs surface, then deletes it within the same
// bound as the zero-delay deletion (the simulator deletes at once: AWS's
// deletion times are not modelled).
func (h *harness) delayedDev(t *testing.T) {
	scale := delayScale()
	if scale <= 0 {
		t.Skip("E2E_DELAY_SCALE=0")
	}
	h.sim.Account.SetDelays(awssim.Delays{Scale: scale})
	defer h.sim.Account.SetDelays(awssim.Delays{})
	objs, err := readYAMLObjects(filepath.Join(h.root, "examples", "claims", "dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// EKS takes the longest: the cluster layer waits for its OIDC issuer,
	// which the claim must tell.
	w := h.watchWaiting("gokinjo-dev")
	defer w.close()
	start := time.Now()
	for _, o := range objs {
		if _, err := h.c.apply(h.ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	eks := awssim.Delays{Scale: scale}.For(schema.GroupKind{Group: "eks.aws.upbound.io", Kind: "Cluster"})
	err = poll(h.ctx, 10*time.Minute, time.Second, func() (bool, error) {
		c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-dev", claimName)
		return err == nil && isTrue(c, "Ready"), nil
	})
	if err != nil {
		t.Fatalf("dev with delays (scale %.3f) not Ready in 10 minutes:\n%s", scale, h.simFailures())
	}
	h.figs.add("apply to Ready, dev with realistic delays x%.3f (EKS %s): %.1fs", scale, eks, time.Since(start).Seconds())
	w.check(t, h)
	// Then deleted with the delays still on: the second dev environment has
	// the names (IAM role ARNs among them) of the one deleted above.
	c, _ := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-dev", claimName)
	refs, _ := h.composed(h.ctx, c)
	envID := ""
	for _, r := range refs {
		if o, err := h.c.get(h.ctx, r.APIVersion, r.Kind, "", r.Name); err == nil && o.GetLabels()["platform.gokinjo.io/environment-id"] != "" {
			envID = o.GetLabels()["platform.gokinjo.io/environment-id"]
			break
		}
	}
	start = time.Now()
	ri, _ := h.c.resource(claimObj("dev"))
	if err := ri.Delete(h.ctx, claimName, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	err = poll(h.ctx, deleteBound(), time.Second, func() (bool, error) {
		same, _, replaced := h.existing(h.ctx, refs)
		return len(same)+len(replaced) == 0, nil
	})
	if err != nil {
		same, _, replaced := h.existing(h.ctx, refs)
		var left []string
		for _, r := range append(same, replaced...) {
			left = append(left, r.Kind+" "+r.Name)
		}
		t.Errorf("dev with delays: deletion did not complete within %s; still there: %v\nthe simulated AWS says: %s", deleteBound(), left, h.sim.Account.Audit(envID))
	}
	if rep := h.sim.Account.Audit(envID); len(rep.Leaked)+len(rep.Dangling) > 0 {
		t.Errorf("dev with delays: deletion left the simulated AWS inconsistent:\n%s", rep)
	}
	h.figs.add("deletion, dev with realistic delays x%.3f: %.1fs", scale, time.Since(start).Seconds())
}
