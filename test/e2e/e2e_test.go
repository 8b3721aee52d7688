//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/gokinjo/platform/test/e2e/simulator"
)

// envs are the claims the test applies: every example, or the comma list
// in E2E_ENVS (E2E_ENVS=dev with E2E_SCENARIOS=release/dev runs the release
// scenario alone, in about a third of the time).
var envs = listEnv("E2E_ENVS", "dev,staging,prod")

// listEnv is a comma list from the environment, or def.
func listEnv(key, def string) []string {
	if v := os.Getenv(key); v != "" {
		return strings.Split(v, ",")
	}
	return strings.Split(def, ",")
}

// scenario runs a subtest after convergence unless E2E_SCENARIOS lists
// others (the deletion always runs: it leaves nothing behind).
func scenario(t *testing.T, name string, f func(*testing.T)) {
	if only := os.Getenv("E2E_SCENARIOS"); only != "" && name != "deletion/all-claims" &&
		!strings.Contains(","+only+",", ","+name+",") {
		return
	}
	t.Run(name, f)
}

const (
	claimAPIVersion = "platform.gokinjo.io/v1alpha1"
	claimKind       = "Environment"
	claimName       = "gokinjo"
	xrGroup         = "platform.gokinjo.io"
)

// TestEndToEnd starts the management cluster, installs the packages,
// applies the example claims and waits for every one to be Ready, checks
// what they compose, then injects faults.
func TestEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	h := newHarness(t, ctx)
	total := time.Now()

	h.step("control plane (etcd, kube-apiserver, CRDs)", h.startControlPlane)
	h.step("crossplane core init + start", h.startCrossplane)
	var refs []string
	h.step("registry + publish packages", func() (err error) { refs, err = h.publishPackages(); return err })
	h.step("play the package runtime", h.playRuntimes)
	h.step("ImageConfig rewrites to the local registry", func() error { return h.mirrorImageConfigs(refs) })
	h.step("install as docs/management-cluster.md", h.installAsDocumented)
	h.step("kube-controller-manager (GC)", h.startKCM)
	h.step("AWS simulator (zero delay)", func() error { return h.startSimulator(0) })
	h.figs.add("cluster up and packages installed: %.1fs", time.Since(total).Seconds())

	stopSampling := h.sampleFunction()
	defer stopSampling()
	callsBefore := h.functionCalls()
	cpuBefore, wallBefore := h.cpuByProcess(), time.Now()
	profiled := h.profileAPIServer()
	ready := map[string]time.Duration{}
	// Not fatal: the strict simulator may refuse what today's package
	// composes; the deletion scenario runs anyway.
	if err := h.applyClaimsAndWait(ready); err != nil {
		t.Errorf("apply claims, wait for Ready: %v\nthe strict AWS simulator refuses:\n%s", err, h.simFailures())
		t.Run("deletion/all-claims", h.deleteAllClaims)
		h.memoryFigures("failure")
		h.printFigures()
		return
	}
	for _, e := range envs {
		h.figs.add("apply to Ready, %-7s (zero-delay simulator): %.1fs", e, ready[e].Seconds())
	}
	h.cpuFigure("apply to all Ready", cpuBefore, time.Since(wallBefore))
	h.writesFigure("apply to all Ready", wallBefore, time.Now())
	profiled()
	h.figs.add("RunFunction calls until all Ready: %d (Crossplane metric), %d (function log)", h.functionCalls()-callsBefore, h.functionLogCalls())
	var perClaim []string
	for _, e := range envs {
		if c, err := h.c.get(ctx, claimAPIVersion, claimKind, "gokinjo-"+e, claimName); err == nil {
			xr, _, _ := unstructured.NestedString(c.Object, "spec", "resourceRef", "name")
			perClaim = append(perClaim, fmt.Sprintf("%s %d", e, h.functionLogCallsFor(xr)))
		}
	}
	h.figs.add("RunFunction calls until all Ready, per claim (function log): %s", strings.Join(perClaim, ", "))

	composed := map[string][]ref{}
	t.Run("claims", func(t *testing.T) {
		for _, e := range envs {
			claim, err := h.c.get(ctx, claimAPIVersion, claimKind, "gokinjo-"+e, claimName)
			if err != nil {
				t.Fatal(err)
			}
			checkClaimStatus(t, e, claim)
			refs, err := h.composed(ctx, claim)
			if err != nil {
				t.Fatal(err)
			}
			composed[e] = refs
			want, err := goldenComposedCount(e)
			if err != nil {
				t.Fatal(err)
			}
			if len(refs) != want {
				t.Errorf("%s: %d composed resources, golden render %s-ready.yaml has %d", e, len(refs), e, want)
			}
			h.figs.add("composed resources, %-7s: %d (golden %d)", e, len(refs), want)
			h.layersFigure(ctx, e, claim)
			h.trace(t, e)
		}
	})
	h.memoryFigures("after convergence")
	h.checkFunctionFootprint(t, "after convergence")

	scenario(t, "fault/function-restart", func(t *testing.T) { h.faultFunctionRestart(t, composed) })
	scenario(t, "fault/rds-error", func(t *testing.T) { h.faultRDSError(t) })
	scenario(t, "fault/refused-override", h.faultRefusedOverride)
	scenario(t, "fault/shrink-node-group", func(t *testing.T) { h.faultShrinkNodeGroup(t, composed["dev"]) })
	scenario(t, "release/dev", h.releaseDev) // release_test.go
	scenario(t, "plan/dev", h.planDev)       // plan_test.go
	scenario(t, "deletion/all-claims", h.deleteAllClaims)
	scenario(t, "delays/dev", h.delayedDev)
	// A kill while RunFunction calls are in flight: nothing composed is
	// deleted, and the claim converges after the restart.
	scenario(t, "fault/function-kill-during-create", func(t *testing.T) { h.faultKillDuringCreate(t) })
	// That claim deleted and applied again at once: the new XR waits for
	// the old one (reapply_test.go).
	scenario(t, "fault/claim-reapplied-while-deleting", func(t *testing.T) { h.faultReapplyWhileDeleting(t, "gokinjo-e2e-kill") })

	h.figs.add("RunFunction calls, whole run: %d (Crossplane metric), %d (function log)", h.functionCalls(), h.functionLogCalls())
	h.memoryFigures("end of run")
	h.checkFunctionFootprint(t, "the end of the run")
	h.figs.add("whole test (cluster start to last fault): %.1fs", time.Since(total).Seconds())
	h.printFigures()
}

// cpuByProcess is the CPU seconds each process of the run has used so far;
// the simulator runs in the test process itself.
func (h *harness) cpuByProcess() map[string]float64 {
	out := map[string]float64{"simulator+test": cpuSeconds(os.Getpid())}
	for _, p := range []struct {
		name string
		pids []int
	}{
		{"kube-apiserver", pidsByComm("kube-apiserver")},
		{"etcd", pidsByComm("etcd")},
		{"crossplane", pidOf(h.crossplane)},
		{"function-gokinjo", pidOf(h.function())},
		{"kube-controller-manager", pidsByComm("kube-controller")},
	} {
		for _, pid := range p.pids {
			out[p.name] += cpuSeconds(pid)
		}
	}
	return out
}

// cpuFigure reports where the CPU went during a phase: on 2 cores, the
// phase's wall time x 2 is all there was.
func (h *harness) cpuFigure(phase string, before map[string]float64, wall time.Duration) {
	after := h.cpuByProcess()
	names := make([]string, 0, len(after))
	for n := range after {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return after[names[i]]-before[names[i]] > after[names[j]]-before[names[j]] })
	var parts []string
	total := 0.0
	for _, n := range names {
		d := after[n] - before[n]
		total += d
		parts = append(parts, fmt.Sprintf("%s %.1f", n, d))
	}
	h.figs.add("CPU seconds during %s (%.1fs wall, %d CPUs): %s; total %.1f", phase, wall.Seconds(), runtime.NumCPU(), strings.Join(parts, ", "), total)
}

func pidOf(p *process) []int {
	if p == nil || p.cmd.Process == nil || p.exited() {
		return nil
	}
	return []int{p.cmd.Process.Pid}
}

func (h *harness) printFigures() {
	s := "FIGURES\n  " + strings.Join(h.figs.lines, "\n  ") + "\n"
	fmt.Print(s)
	_ = os.WriteFile(filepath.Join(h.out, "figures.txt"), []byte(s), 0o644)
}

func (h *harness) applyClaimsAndWait(ready map[string]time.Duration) error {
	applied := map[string]time.Time{}
	for _, e := range envs {
		if err := h.c.ensureNamespace(h.ctx, "gokinjo-"+e); err != nil {
			return err
		}
		objs, err := readYAMLObjects(filepath.Join(h.root, "examples", "claims", e+".yaml"))
		if err != nil {
			return err
		}
		for _, o := range objs {
			if _, err := h.c.apply(h.ctx, o); err != nil {
				return fmt.Errorf("apply %s claim: %w", e, err)
			}
		}
		applied[e] = time.Now()
	}
	var mu sync.Mutex
	// A refusal of the strict simulator that stays the same for a minute
	// will not clear by itself: stop waiting.
	refused, refusedSince := "", time.Now()
	err := poll(h.ctx, 10*time.Minute, 500*time.Millisecond, func() (bool, error) {
		if f := h.simRefusals(); f != refused {
			refused, refusedSince = f, time.Now()
		} else if f != "" && time.Since(refusedSince) > time.Minute {
			return false, errors.New("the simulated AWS has refused the same resources for a minute")
		}
		done := true
		for _, e := range envs {
			mu.Lock()
			_, ok := ready[e]
			mu.Unlock()
			if ok {
				continue
			}
			c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-"+e, claimName)
			if err != nil {
				return false, err
			}
			if isTrue(c, "Ready") {
				mu.Lock()
				ready[e] = time.Since(applied[e])
				mu.Unlock()
				h.t.Logf("claim %s Ready after %.1fs", e, ready[e].Seconds())
				continue
			}
			done = false
		}
		return done, nil
	})
	if err != nil {
		for _, e := range envs {
			c, _ := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-"+e, claimName)
			h.t.Logf("claim %s: %s", e, conditions(c))
			h.trace(h.t, e)
		}
	}
	return err
}

// checkClaimStatus: the claim shows network ids, the cluster endpoint, the
// database endpoint and bucket names (and the app URL once the workloads
// layer exists).
func checkClaimStatus(t *testing.T, env string, claim *unstructured.Unstructured) {
	t.Helper()
	str := func(path ...string) string {
		s, _, _ := unstructured.NestedString(claim.Object, append([]string{"status"}, path...)...)
		return s
	}
	for _, f := range [][]string{{"network", "vpcId"}, {"cluster", "endpoint"}, {"database", "endpoint"}} {
		if str(f...) == "" {
			t.Errorf("%s: claim status.%s is empty", env, strings.Join(f, "."))
		}
	}
	for _, f := range []string{"privateSubnetIds", "publicSubnetIds"} {
		if ids, _, _ := unstructured.NestedStringSlice(claim.Object, "status", "network", f); len(ids) == 0 {
			t.Errorf("%s: claim status.network.%s is empty", env, f)
		}
	}
	buckets, _, _ := unstructured.NestedSlice(claim.Object, "status", "dataLake", "buckets")
	if len(buckets) == 0 {
		t.Errorf("%s: claim status.dataLake.buckets is empty", env)
	}
	for _, b := range buckets {
		if m, ok := b.(map[string]any); !ok || m["name"] == nil || m["name"] == "" {
			t.Errorf("%s: bucket without a name in claim status: %v", env, b)
		}
	}
	// The workloads layer is built concurrently on another branch: check the
	// app URL only when it is there.
	if w, ok, _ := unstructured.NestedMap(claim.Object, "status", "workloads"); ok {
		url := ""
		for _, k := range []string{"appUrl", "url", "appURL"} {
			if s, ok := w[k].(string); ok && s != "" {
				url = s
			}
		}
		if url == "" {
			t.Errorf("%s: claim status.workloads has no app URL: %v", env, w)
		}
	}
	t.Logf("%s: vpc %s, cluster %s, database %s, %d buckets", env, str("network", "vpcId"), str("cluster", "endpoint"), str("database", "endpoint"), len(buckets))
}

// ref is one composed (non-XR) resource.
type ref struct {
	APIVersion, Kind, Name, UID, Composite string
}

func (r ref) key() string { return r.APIVersion + "/" + r.Kind + "/" + r.Name }

// layersFigure says when each layer XR of a claim was composed and became
// Ready, in seconds after the claim was created (the API's timestamps have
// 1 s resolution): the last layer is the one the claim waited for.
func (h *harness) layersFigure(ctx context.Context, env string, claim *unstructured.Unstructured) {
	rr, _, _ := unstructured.NestedStringMap(claim.Object, "spec", "resourceRef")
	xr, err := h.c.get(ctx, rr["apiVersion"], rr["kind"], "", rr["name"])
	if err != nil {
		return
	}
	since := func(t time.Time) string {
		return fmt.Sprintf("%.0f", t.Sub(claim.GetCreationTimestamp().Time).Seconds())
	}
	var parts []string
	for _, r := range resourceRefs(xr) {
		layer, err := h.c.get(ctx, r.APIVersion, r.Kind, "", r.Name)
		if err != nil {
			continue
		}
		ready := "not Ready"
		if c := condition(layer, "Ready"); c["status"] == "True" {
			if t, err := time.Parse(time.RFC3339, fmt.Sprint(c["lastTransitionTime"])); err == nil {
				ready = "Ready " + since(t)
			}
		}
		parts = append(parts, fmt.Sprintf("%s composed %s, %s", r.Kind, since(layer.GetCreationTimestamp().Time), ready))
	}
	sort.Strings(parts)
	h.figs.add("layers of %-7s (s after the claim, 1 s resolution): %s", env, strings.Join(parts, "; "))
}

// resourceRefs is what an XR composes: spec.resourceRefs of a legacy XR
// (the claim's XEnvironment), spec.crossplane.resourceRefs of a v2 one.
func resourceRefs(xr *unstructured.Unstructured) []ref {
	refs, ok, _ := unstructured.NestedSlice(xr.Object, "spec", "resourceRefs")
	if !ok {
		refs, _, _ = unstructured.NestedSlice(xr.Object, "spec", "crossplane", "resourceRefs")
	}
	out := make([]ref, 0, len(refs))
	for _, r := range refs {
		m, _ := r.(map[string]any)
		av, _ := m["apiVersion"].(string)
		k, _ := m["kind"].(string)
		n, _ := m["name"].(string)
		out = append(out, ref{APIVersion: av, Kind: k, Name: n})
	}
	return out
}

// composed walks a claim's XR tree and returns every composed resource
// that is not itself an XR.
func (h *harness) composed(ctx context.Context, claim *unstructured.Unstructured) ([]ref, error) {
	rr, _, _ := unstructured.NestedStringMap(claim.Object, "spec", "resourceRef")
	if rr["name"] == "" {
		return nil, fmt.Errorf("claim %s has no resourceRef", claim.GetNamespace())
	}
	var out []ref
	var walk func(apiVersion, kind, name string) error
	walk = func(apiVersion, kind, name string) error {
		xr, err := h.c.get(ctx, apiVersion, kind, "", name)
		if err != nil {
			return err
		}
		for _, r := range resourceRefs(xr) {
			if strings.HasPrefix(r.APIVersion, xrGroup+"/") {
				if err := walk(r.APIVersion, r.Kind, r.Name); err != nil {
					return err
				}
				continue
			}
			if o, err := h.c.get(ctx, r.APIVersion, r.Kind, "", r.Name); err == nil {
				r.UID = string(o.GetUID())
			}
			r.Composite = name
			out = append(out, r)
		}
		return nil
	}
	err := walk(rr["apiVersion"], rr["kind"], rr["name"])
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out, err
}

func goldenComposedCount(env string) (int, error) {
	objs, err := readYAMLObjects(filepath.Join(repoRoot(), "internal", "rendertree", "testdata", "golden", env+"-ready.yaml"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range objs {
		if o.GroupVersionKind().Group != xrGroup {
			n++
		}
	}
	return n, nil
}

// trace captures crossplane beta trace of a claim under _output/e2e.
func (h *harness) trace(t testing.TB, env string) { h.traceTo(t, env, "trace-"+env+".txt") }

func (h *harness) traceTo(t testing.TB, env, file string) {
	cmd := exec.CommandContext(h.ctx, filepath.Join(h.bin, "crossplane"), "beta", "trace",
		"environment.platform.gokinjo.io", claimName, "-n", "gokinjo-"+env, "-o", "wide")
	cmd.Env = append(os.Environ(), "KUBECONFIG="+h.kubeconfig)
	out, err := cmd.CombinedOutput()
	f := filepath.Join(h.out, file)
	_ = os.WriteFile(f, out, 0o644)
	if err != nil {
		t.Errorf("crossplane beta trace %s: %v\n%s", env, err, out)
		return
	}
	t.Logf("crossplane beta trace of %s: %s (%d lines)", env, f, strings.Count(string(out), "\n"))
}

// existing reports which refs still exist, by UID.
func (h *harness) existing(ctx context.Context, refs []ref) (same, gone, replaced []ref) {
	for _, r := range refs {
		o, err := h.c.get(ctx, r.APIVersion, r.Kind, "", r.Name)
		switch {
		case kerrors.IsNotFound(err):
			gone = append(gone, r)
		case err != nil:
			gone = append(gone, r)
		case r.UID != "" && string(o.GetUID()) != r.UID: // UID unknown when it was not created yet.
			replaced = append(replaced, r)
		default:
			same = append(same, r)
		}
	}
	return
}

func (h *harness) waitAllReady(t *testing.T, envs []string, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	err := poll(h.ctx, timeout, 500*time.Millisecond, func() (bool, error) {
		for _, e := range envs {
			c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-"+e, claimName)
			if err != nil || !isTrue(c, "Ready") {
				return false, err
			}
		}
		return true, nil
	})
	if err != nil {
		t.Fatalf("claims %v not Ready again: %v", envs, err)
	}
	return time.Since(start)
}

// faultFunctionRestart kills the function while Crossplane reconciles every
// XR, restarts it, and checks nothing composed was deleted or replaced.
func (h *harness) faultFunctionRestart(t *testing.T, composed map[string][]ref) {
	ctx := h.ctx
	// An edit of the staging claim (compute node group maxSize 4 -> 3) makes
	// Crossplane reconcile its XRs and call the function at once; the
	// function is killed while that reconcile runs.
	xrs := h.allXRs(t)
	patch := `{"spec":{"parameters":{"cluster":{"nodeGroups":{"compute":{"maxSize":3}}}}}}`
	ri, _ := h.c.resource(claimObj("staging"))
	if _, err := ri.Patch(ctx, claimName, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatalf("edit staging claim: %v", err)
	}
	h.fn.kill() // At once: Crossplane is propagating the edit claim -> XEnvironment -> XCluster.
	killed := time.Now()
	early := h.computeMaxSize(t, "staging", 3)
	t.Logf("function killed mid-reconcile of the staging claim edit (edit already composed before the kill: %v)", early)
	var all []ref
	for _, e := range envs {
		all = append(all, composed[e]...)
	}
	// Wait until Crossplane notices (an XR goes Synced=False) or 30s pass.
	// With Crossplane's XR watch circuit breaker open (the simulator's and
	// the XRs' own writes trip its default burst of 100 events), the edit
	// may not be reconciled at all while the function is down.
	unsynced := 0
	_ = poll(ctx, 30*time.Second, time.Second, func() (bool, error) {
		unsynced = 0
		for _, x := range h.allXRs(t) {
			if !isTrue(x, "Synced") {
				unsynced++
			}
		}
		return unsynced > 0, nil
	})
	down := time.Since(killed)
	_, gone, replaced := h.existing(ctx, all)
	if len(gone)+len(replaced) > 0 {
		t.Errorf("while the function was down: %d composed resources deleted, %d replaced: %v %v", len(gone), len(replaced), gone, replaced)
	}
	t.Logf("function down %.0fs: %d of %d XRs Synced=False, no composed resource deleted", down.Seconds(), unsynced, len(xrs))
	before, beforeLog := h.functionCalls(), h.functionLogCalls()
	h.startFunction()
	restarted := time.Now()
	// Converged: every XR Synced again through the restarted function, every claim Ready.
	if err := poll(ctx, 5*time.Minute, time.Second, func() (bool, error) {
		if h.functionLogCalls() == beforeLog {
			return false, errors.New("no RunFunction call since the restart")
		}
		if !h.computeMaxSize(t, "staging", 3) {
			return false, errors.New("staging compute node group not at maxSize 3 yet")
		}
		for _, x := range h.allXRs(t) {
			if !isTrue(x, "Synced") || !isTrue(x, "Ready") {
				return false, fmt.Errorf("%s %s: %s", x.GetKind(), x.GetName(), conditions(x))
			}
		}
		return true, nil
	}); err != nil {
		t.Errorf("XRs not converged after the function restarted: %v", err)
	}
	d := time.Since(restarted)
	h.waitAllReady(t, envs, time.Minute)
	_, gone, replaced = h.existing(ctx, all)
	if len(gone)+len(replaced) > 0 {
		t.Errorf("after the function restarted: %d composed resources deleted, %d replaced", len(gone), len(replaced))
	}
	h.figs.add("fault function-restart: down %.0fs (%d XRs Synced=False), %d composed resources kept, converged %.1fs after restart, %d RunFunction calls after restart",
		down.Seconds(), unsynced, len(all)-len(gone)-len(replaced), d.Seconds(), h.functionCalls()-before)
}

// computeMaxSize reports whether env's compute NodeGroup has maxSize n.
func (h *harness) computeMaxSize(t *testing.T, env string, n int) bool {
	c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-"+env, claimName)
	if err != nil {
		return false
	}
	refs, err := h.composed(h.ctx, c)
	if err != nil {
		return false
	}
	for _, r := range refs {
		if r.Kind != "NodeGroup" {
			continue
		}
		o, err := h.c.get(h.ctx, r.APIVersion, r.Kind, "", r.Name)
		if err != nil || !strings.Contains(o.GetAnnotations()["crossplane.io/composition-resource-name"], "compute") {
			continue
		}
		sc, _, _ := unstructured.NestedSlice(o.Object, "spec", "forProvider", "scalingConfig")
		if len(sc) > 0 {
			m, _ := sc[0].(map[string]any)
			return fmt.Sprint(m["maxSize"]) == fmt.Sprint(n)
		}
	}
	return false
}

func (h *harness) allXRs(t *testing.T) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, k := range []string{"XEnvironment", "XNetwork", "XCluster", "XDatabase", "XDataLake", "XWorkloads"} {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion(claimAPIVersion)
		u.SetKind(k)
		ri, err := h.c.resource(u)
		if err != nil {
			continue // A layer that does not exist (yet).
		}
		l, err := ri.List(h.ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	}
	return out
}

// faultRDSError makes the simulated AWS fail the staging RDS instance after
// it exists, as the provider reports an update AWS refuses: Synced=False,
// the instance still Ready. The claim must stay Ready and say, in its
// ResourcesSynced condition, which resource AWS refuses and why; then
// recover when the error clears.
func (h *harness) faultRDSError(t *testing.T) {
	const msg = "InvalidParameterCombination: simulated by the e2e test, RDS refuses the instance"
	start := time.Now()
	h.sim.SetFault(simulator.Fault{Kind: "Instance", Namespace: "gokinjo-staging", Message: msg})
	var claim *unstructured.Unstructured
	err := poll(h.ctx, 2*time.Minute, 500*time.Millisecond, func() (bool, error) {
		c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-staging", claimName)
		if err != nil {
			return false, err
		}
		claim = c
		s := condition(c, "ResourcesSynced")
		return s != nil && s["status"] == "False", nil
	})
	if err != nil {
		t.Fatalf("the staging claim does not say that RDS refuses the instance (ResourcesSynced): %v; claim: %s", err, conditions(claim))
	}
	seen := time.Since(start)
	t.Logf("staging claim while RDS fails: %s", conditions(claim))
	s := condition(claim, "ResourcesSynced")
	if m := fmt.Sprint(s["message"]); !strings.Contains(m, "simulated AWS error") || !strings.Contains(m, "Instance") {
		t.Errorf("ResourcesSynced names neither the instance nor the AWS error: %q", m)
	}
	if !isTrue(claim, "Ready") {
		t.Errorf("the claim went not Ready while the instance still runs: %s", conditions(claim))
	}
	h.traceTo(t, "staging", "trace-staging-rds-error.txt")
	h.figs.add("fault rds-error: claim ResourcesSynced=False %.1fs after the error, Ready=%v: %q", seen.Seconds(), condition(claim, "Ready")["status"], s["message"])
	// Nothing else is hurt.
	h.waitAllReady(t, []string{"dev", "prod"}, time.Minute)
	h.sim.ClearFaults()
	cleared := time.Now()
	err = poll(h.ctx, 3*time.Minute, 500*time.Millisecond, func() (bool, error) {
		c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-staging", claimName)
		if err != nil {
			return false, err
		}
		claim = c
		return isTrue(c, "ResourcesSynced") && isTrue(c, "Ready"), nil
	})
	if err != nil {
		t.Fatalf("staging does not recover once the error clears: %v; claim: %s", err, conditions(claim))
	}
	h.figs.add("fault rds-error: staging ResourcesSynced again %.1fs after the error was cleared", time.Since(cleared).Seconds())
}

// faultShrinkNodeGroup edits the dev claim to shrink the general node
// group: applied in place, nothing recreated.
func (h *harness) faultShrinkNodeGroup(t *testing.T, composed []ref) {
	var ng ref
	for _, r := range composed {
		if r.Kind == "NodeGroup" && strings.HasPrefix(r.APIVersion, "eks.aws.upbound.io/") {
			o, err := h.c.get(h.ctx, r.APIVersion, r.Kind, "", r.Name)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(o.GetAnnotations()["crossplane.io/composition-resource-name"], "general") {
				ng = r
			}
		}
	}
	if ng.Name == "" {
		t.Fatal("dev has no general NodeGroup")
	}
	patch := `{"spec":{"parameters":{"cluster":{"nodeGroups":{"general":{"maxSize":3}}}}}}`
	ri, _ := h.c.resource(claimObj("dev"))
	if _, err := ri.Patch(h.ctx, claimName, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatalf("shrink dev general node group: %v", err)
	}
	start := time.Now()
	var last any
	err := poll(h.ctx, 3*time.Minute, 500*time.Millisecond, func() (bool, error) {
		o, err := h.c.get(h.ctx, ng.APIVersion, ng.Kind, "", ng.Name)
		if err != nil {
			return false, err
		}
		if string(o.GetUID()) != ng.UID {
			return false, fmt.Errorf("node group recreated: uid %s, was %s", o.GetUID(), ng.UID)
		}
		sc, _, _ := unstructured.NestedSlice(o.Object, "spec", "forProvider", "scalingConfig")
		last = sc
		if len(sc) == 0 {
			return false, nil
		}
		m, _ := sc[0].(map[string]any)
		return fmt.Sprint(m["maxSize"]) == "3" && isTrue(o, "Ready"), nil
	})
	if err != nil {
		t.Fatalf("node group %s not shrunk in place: %v (scalingConfig %v)", ng.Name, err, last)
	}
	_, gone, replaced := h.existing(h.ctx, composed)
	if len(gone)+len(replaced) > 0 {
		t.Errorf("shrinking a node group deleted %d and replaced %d resources: %v %v", len(gone), len(replaced), gone, replaced)
	}
	d := h.waitAllReady(t, []string{"dev"}, 3*time.Minute)
	h.figs.add("fault shrink-node-group: maxSize 5 -> 3 applied in place in %.1fs (same UID %s), dev Ready %.1fs later, %d resources unchanged",
		time.Since(start).Seconds()-d.Seconds(), ng.UID, d.Seconds(), len(composed)-len(gone)-len(replaced))
}

// devClaimIn is a dev claim in a namespace of its own (created here).
func (h *harness) devClaimIn(t *testing.T, ns string) *unstructured.Unstructured {
	t.Helper()
	if err := h.c.ensureNamespace(h.ctx, ns); err != nil {
		t.Fatal(err)
	}
	claim := claimObj("dev")
	claim.SetNamespace(ns)
	_ = unstructured.SetNestedField(claim.Object, "dev", "spec", "parameters", "environment")
	return claim
}

func claimObj(env string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(claimAPIVersion)
	u.SetKind(claimKind)
	u.SetNamespace("gokinjo-" + env)
	u.SetName(claimName)
	return u
}

// faultKillDuringCreate applies one more dev claim (namespace
// gokinjo-e2e-kill) and kills the function while Crossplane is composing
// it, i.e. while RunFunction calls are in flight; nothing composed may be
// deleted, and the claim converges once the function is back.
func (h *harness) faultKillDuringCreate(t *testing.T) {
	const ns = "gokinjo-e2e-kill"
	claim := h.devClaimIn(t, ns)
	start := h.functionLogCalls()
	if _, err := h.c.apply(h.ctx, claim); err != nil {
		t.Fatal(err)
	}
	if err := poll(h.ctx, 2*time.Minute, 100*time.Millisecond, func() (bool, error) {
		return h.functionLogCalls()-start >= 8, nil
	}); err != nil {
		t.Fatalf("no RunFunction calls for the new claim: %v", err)
	}
	h.fn.kill()
	t.Logf("function killed after %d RunFunction calls for the new claim", h.functionLogCalls()-start)
	var refs []ref
	unsynced := 0
	_ = poll(h.ctx, 60*time.Second, time.Second, func() (bool, error) {
		c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, ns, claimName)
		if err != nil {
			return false, err
		}
		if r, err := h.composed(h.ctx, c); err == nil && len(r) > len(refs) {
			refs = r
		}
		unsynced = 0
		for _, x := range h.allXRs(t) {
			if x.GetLabels()["crossplane.io/claim-namespace"] == ns && !isTrue(x, "Synced") {
				unsynced++
			}
		}
		return unsynced > 0, nil
	})
	_, gone, replaced := h.existing(h.ctx, refs)
	if len(gone)+len(replaced) > 0 {
		t.Errorf("while the function was down: %d of %d composed resources deleted, %d replaced", len(gone), len(refs), len(replaced))
	}
	t.Logf("function down: %d composed so far, %d XRs of the claim Synced=False", len(refs), unsynced)
	h.startFunction()
	restarted := time.Now()
	err := poll(h.ctx, 8*time.Minute, time.Second, func() (bool, error) {
		c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, ns, claimName)
		return err == nil && isTrue(c, "Ready"), err
	})
	if err != nil {
		t.Fatalf("claim %s not Ready after the function restarted: %v", ns, err)
	}
	_, gone, replaced = h.existing(h.ctx, refs)
	if len(gone)+len(replaced) > 0 {
		t.Errorf("after the restart: %d of %d composed resources deleted, %d replaced", len(gone), len(refs), len(replaced))
	}
	c, _ := h.c.get(h.ctx, claimAPIVersion, claimKind, ns, claimName)
	all, _ := h.composed(h.ctx, c)
	want, _ := goldenComposedCount("dev")
	if len(all) != want {
		t.Errorf("%s: %d composed resources after the restart, golden %d", ns, len(all), want)
	}
	h.figs.add("fault function-kill-during-create: killed with %d of %d resources composed and %d XRs Synced=False; Ready %.1fs after restart, %d composed, none deleted or replaced",
		len(refs), want, unsynced, time.Since(restarted).Seconds(), len(all))
}
