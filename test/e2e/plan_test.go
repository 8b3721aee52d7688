//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/gokinjo/platform/internal/ociimage"
)

// The edit plan/dev plans and applies (dotted paths below
// spec.parameters): two layers, one field each, and a higher cost at the
// maximum; nothing a later scenario reads (fault/shrink-node-group edits
// the general node group, release/dev the version).
var planEdit = map[string]any{
	"database.backupRetentionDays":       int64(14),
	"cluster.nodeGroups.compute.maxSize": int64(3),
}

// planWant is what gokinjo-plan must say of planEdit: layer/resource ->
// changed field paths, as the plan names them.
var planWant = map[string][]string{
	"cluster/node-group-compute": {"spec.forProvider.scalingConfig[0].maxSize"},
	"database/instance":          {"spec.forProvider.backupRetentionPeriod"},
}

// planLayer is the layer name gokinjo-plan gives each XR kind.
var planLayer = map[string]string{
	"XEnvironment": "environment", "XNetwork": "network", "XCluster": "cluster",
	"XDatabase": "database", "XDataLake": "dataLake", "XWorkloads": "workloads",
}

const planBound = 4 * time.Minute

// planDev plans edits of the dev claim with the gokinjo-plan command against
// this management cluster (--kubeconfig), then applies one and checks that
// what changed in the composed resources is exactly what the plan said:
// the applied claim plans as no change, the edit as its updates (exit 2),
// the applied edit as no change again; a VPC CIDR change plans as the
// function's refusal (exit 1) and is not applied. The claim is restored at
// the end.
func (h *harness) planDev(t *testing.T) {
	h.waitAllReady(t, []string{"dev"}, 3*time.Minute)
	live, err := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-dev", claimName)
	if err != nil {
		t.Fatal(err)
	}
	// The claim as it is applied now (release/dev and the faults edit it):
	// what a pull request would start from.
	params, _, _ := unstructured.NestedMap(live.Object, "spec", "parameters")
	base := planClaim(t, params, nil)
	before := h.specSnapshot(t)
	cidr, _, _ := unstructured.NestedString(before["network/vpc"], "forProvider", "cidrBlock")
	if cidr == "" {
		t.Fatalf("dev has no VPC with a cidrBlock among %d composed resources", len(before))
	}

	p, noChange := h.runPlan(t, "dev-applied", base)
	if p.ExitCode != 0 || p.Summary != "no changes" {
		t.Fatalf("the applied dev claim plans as %q (exit %d), want no changes (exit 0)", p.Summary, p.ExitCode)
	}

	// A refused edit: planned, never applied.
	const newCIDR = "10.9.0.0/16"
	p, refused := h.runPlan(t, "dev-cidr", planClaim(t, params, map[string]any{"network.cidr": newCIDR}))
	wantMsg := fmt.Sprintf("VPC %q: cidrBlock would change from %s to %s", "vpc", cidr, newCIDR)
	if p.ExitCode != 1 || !p.refusedWith("network", wantMsg) {
		t.Errorf("the CIDR edit plans as exit %d, refusals %+v; want exit 1 and a network refusal containing %q", p.ExitCode, p.Refusals, wantMsg)
	}
	if d := specDiff(before, h.specSnapshot(t)); len(d) > 0 {
		t.Fatalf("planning changed composed resources: %v", d)
	}

	// The edit: planned, applied, compared.
	edited := planClaim(t, params, planEdit)
	p, planned := h.runPlan(t, "dev-edit", edited)
	h.planText(t, "dev-edit", edited)
	if p.ExitCode != 2 || len(p.Refusals) > 0 {
		t.Fatalf("the edit plans as %q (exit %d, refusals %+v), want changes (exit 2)", p.Summary, p.ExitCode, p.Refusals)
	}
	if c, d := p.count("create"), p.count("delete"); c+d > 0 {
		t.Errorf("the edit plans %d creates and %d deletes, want updates only", c, d)
	}
	if got := p.updates(); !reflect.DeepEqual(got, planWant) {
		t.Errorf("the edit plans updates %v, want %v", got, planWant)
	}
	if p.Cost.AfterMax <= p.Cost.BeforeMax || math.Abs(p.Cost.AfterMin-p.Cost.BeforeMin) > 0.01 {
		t.Errorf("a bigger compute maximum costs %v-%v -> %v-%v, want the same minimum and a higher maximum",
			p.Cost.BeforeMin, p.Cost.BeforeMax, p.Cost.AfterMin, p.Cost.AfterMax)
	}
	summary := p.Summary
	composedBefore := h.devComposed(t)
	start := time.Now()
	restored := false
	defer func() {
		if !restored { // A failed check: later scenarios still get dev as it was.
			_, _ = h.c.apply(h.ctx, base)
		}
	}()
	if _, err := h.c.apply(h.ctx, edited); err != nil {
		t.Fatalf("apply the planned edit: %v", err)
	}
	after := h.settledSnapshot(t, "the planned edit in the composed resources", func(s map[string]map[string]any) bool {
		return planReflected(p, specDiff(before, s))
	})
	applied := time.Since(start)
	changed := specDiff(before, after)
	if got := changedPaths(changed); !reflect.DeepEqual(got, p.updates()) {
		t.Errorf("applying the edit changed %v; the plan said %v", got, p.updates())
	}
	for _, msg := range p.mismatches(changed) {
		t.Error(msg)
	}
	_, gone, replaced := h.existing(h.ctx, composedBefore)
	if now := h.devComposed(t); len(gone)+len(replaced) > 0 || len(now) != len(composedBefore) {
		t.Errorf("applying the edit: %d composed resources before, %d after, %d gone, %d replaced: %v %v",
			len(composedBefore), len(now), len(gone), len(replaced), gone, replaced)
	}

	p, again := h.runPlan(t, "dev-edit-applied", edited)
	if p.ExitCode != 0 || p.Summary != "no changes" {
		t.Errorf("the applied edit plans as %q (exit %d), want no changes (exit 0)", p.Summary, p.ExitCode)
	}

	// Restore dev as the later scenarios expect it.
	if _, err := h.c.apply(h.ctx, base); err != nil {
		t.Fatalf("restore the dev claim: %v", err)
	}
	restored = true
	h.settledSnapshot(t, "dev restored", func(s map[string]map[string]any) bool { return len(specDiff(before, s)) == 0 })
	h.waitAllReady(t, []string{"dev"}, 3*time.Minute)
	if c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-dev", claimName); err != nil {
		t.Error(err)
	} else if now, _, _ := unstructured.NestedMap(c.Object, "spec", "parameters"); !reflect.DeepEqual(now, params) {
		t.Errorf("dev claim parameters not restored:\n%v\nwant\n%v", now, params)
	}
	h.figs.add("plan/dev: gokinjo-plan against the live cluster: applied claim %.1fs (no changes), CIDR edit %.1fs (refused, exit 1), edit %.1fs (%s, exit 2), applied edit %.1fs (no changes)",
		noChange.Seconds(), refused.Seconds(), planned.Seconds(), summary, again.Seconds())
	h.figs.add("plan/dev: the edit applied to the composed resources and settled in %.1fs; %d composed resources compared, %d changed, the ones the plan named",
		applied.Seconds(), len(after), len(changed))
}

// planClaim is the dev claim with params and edits (dotted paths below
// spec.parameters), as a claim file would carry it.
func planClaim(t *testing.T, params, edits map[string]any) *unstructured.Unstructured {
	t.Helper()
	c := claimObj("dev")
	p := (&unstructured.Unstructured{Object: params}).DeepCopy().Object
	for path, v := range edits {
		if err := unstructured.SetNestedField(p, v, strings.Split(path, ".")...); err != nil {
			t.Fatal(err)
		}
	}
	if err := unstructured.SetNestedMap(c.Object, p, "spec", "parameters"); err != nil {
		t.Fatal(err)
	}
	return c
}

// planJSON is gokinjo-plan -o json's document (internal/plan.Plan).
type planJSON struct {
	Layers []struct {
		Name                   string
		Create, Update, Delete []planChange
	}
	Refusals []struct{ Layer, Message string }
	Cost     struct{ BeforeMin, BeforeMax, AfterMin, AfterMax float64 }
	Summary  string
	ExitCode int
}

type planChange struct {
	Resource, Kind string
	Fields         []struct {
		Path      string
		Was, Will any
	}
}

func (p planJSON) count(what string) int {
	n := 0
	for _, l := range p.Layers {
		n += len(map[string][]planChange{"create": l.Create, "update": l.Update, "delete": l.Delete}[what])
	}
	return n
}

// updates is layer/resource -> field paths of every update.
func (p planJSON) updates() map[string][]string {
	out := map[string][]string{}
	for _, l := range p.Layers {
		for _, u := range l.Update {
			for _, f := range u.Fields {
				out[l.Name+"/"+u.Resource] = append(out[l.Name+"/"+u.Resource], f.Path)
			}
		}
	}
	return out
}

func (p planJSON) refusedWith(layer, msg string) bool {
	for _, r := range p.Refusals {
		if r.Layer == layer && strings.Contains(r.Message, msg) {
			return true
		}
	}
	return false
}

// mismatches compares the plan's was/will of every field with what the
// API server held before and after.
func (p planJSON) mismatches(changed map[string]map[string][2]any) []string {
	var out []string
	for _, l := range p.Layers {
		for _, u := range l.Update {
			for _, f := range u.Fields {
				got, ok := changed[l.Name+"/"+u.Resource][f.Path]
				if !ok {
					continue // Reported as a missing change.
				}
				if !sameJSON(f.Was, got[0]) || !sameJSON(f.Will, got[1]) {
					out = append(out, fmt.Sprintf("%s/%s %s: plan said %v -> %v, the API server shows %v -> %v", l.Name, u.Resource, f.Path, f.Was, f.Will, got[0], got[1]))
				}
			}
		}
	}
	return out
}

// planReflected reports whether every planned field has its planned value.
func planReflected(p planJSON, changed map[string]map[string][2]any) bool {
	for _, l := range p.Layers {
		for _, u := range l.Update {
			for _, f := range u.Fields {
				got, ok := changed[l.Name+"/"+u.Resource][f.Path]
				if !ok || !sameJSON(f.Will, got[1]) {
					return false
				}
			}
		}
	}
	return true
}

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// planBinary builds cmd/gokinjo-plan once, as make plan does.
func (h *harness) planBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(h.work, "gokinjo-plan")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if err := ociimage.GoBuild(h.ctx, "go", h.root, "./cmd/gokinjo-plan", bin, runtime.GOARCH); err != nil {
		t.Fatal(err)
	}
	return bin
}

// planCommand runs gokinjo-plan on claim (written to a file, as a pull
// request carries it) against this management cluster.
func (h *harness) planCommand(t *testing.T, name string, claim *unstructured.Unstructured, args ...string) (stdout []byte, exit int, took time.Duration) {
	t.Helper()
	b, err := yaml.Marshal(claim.Object)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(h.out, "plan-"+name+".yaml")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := h.planBinary(t)
	cmd := exec.CommandContext(h.ctx, bin, append([]string{file, "--kubeconfig", h.kubeconfig,
		"--crossplane", filepath.Join(h.bin, "crossplane"), "--function", h.fnBin,
		"--apis", filepath.Join(h.root, "apis"), "--functions", filepath.Join(h.root, "examples", "render", "functions.yaml")}, args...)...)
	cmd.Dir = h.root
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	start := time.Now()
	err = cmd.Run()
	took = time.Since(start)
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		exit = ee.ExitCode()
	case err != nil:
		t.Fatalf("gokinjo-plan %s: %v", name, err)
	}
	// The locally started function logs to stderr: kept, not shown.
	_ = os.WriteFile(filepath.Join(h.logs, "plan-"+name+".log"), stderr.Bytes(), 0o644)
	return out.Bytes(), exit, took
}

// runPlan runs gokinjo-plan -o json and checks its exit status agrees
// with the document.
func (h *harness) runPlan(t *testing.T, name string, claim *unstructured.Unstructured) (planJSON, time.Duration) {
	t.Helper()
	out, exit, took := h.planCommand(t, name, claim, "-o", "json")
	_ = os.WriteFile(filepath.Join(h.out, "plan-"+name+".json"), out, 0o644)
	var p planJSON
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("gokinjo-plan %s (exit %d): %v\n%s\nlog: %s", name, exit, err, out, filepath.Join(h.logs, "plan-"+name+".log"))
	}
	if exit != p.ExitCode {
		t.Errorf("gokinjo-plan %s exited %d, its document says %d", name, exit, p.ExitCode)
	}
	t.Logf("gokinjo-plan %s: %s (exit %d) in %.1fs", name, p.Summary, exit, took.Seconds())
	return p, took
}

// planText logs the plan as people read it (and keeps it under _output/e2e).
func (h *harness) planText(t *testing.T, name string, claim *unstructured.Unstructured) {
	t.Helper()
	out, exit, _ := h.planCommand(t, name+"-text", claim)
	_ = os.WriteFile(filepath.Join(h.out, "plan-"+name+".txt"), out, 0o644)
	t.Logf("gokinjo-plan %s (exit %d):\n%s", name, exit, out)
}

// devComposed is every resource dev's claim composes now.
func (h *harness) devComposed(t *testing.T) []ref {
	t.Helper()
	c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-dev", claimName)
	if err != nil {
		t.Fatal(err)
	}
	refs, err := h.composed(h.ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	return refs
}

// specSnapshot reads spec.forProvider and spec.initProvider of every
// resource dev composes, keyed as the plan names them:
// layer/composition resource name.
func (h *harness) specSnapshot(t *testing.T) map[string]map[string]any {
	t.Helper()
	layerOf := map[string]string{}
	for _, x := range h.allXRs(t) {
		layerOf[x.GetName()] = planLayer[x.GetKind()]
	}
	out := map[string]map[string]any{}
	for _, r := range h.devComposed(t) {
		o, err := h.c.get(h.ctx, r.APIVersion, r.Kind, "", r.Name)
		if err != nil {
			t.Fatalf("%s: %v", r.key(), err)
		}
		s := map[string]any{}
		for _, f := range []string{"forProvider", "initProvider"} {
			if v, ok, _ := unstructured.NestedFieldCopy(o.Object, "spec", f); ok {
				s[f] = v
			}
		}
		out[layerOf[r.Composite]+"/"+o.GetAnnotations()["crossplane.io/composition-resource-name"]] = s
	}
	return out
}

// settledSnapshot waits until done holds for dev's composed resources and
// they stay the same for a few seconds with the claim Ready (a change the
// plan did not name may come a reconcile later), and returns them.
func (h *harness) settledSnapshot(t *testing.T, what string, done func(map[string]map[string]any) bool) map[string]map[string]any {
	t.Helper()
	var last map[string]map[string]any
	stable := 0
	err := poll(h.ctx, planBound, 2*time.Second, func() (bool, error) {
		s := h.specSnapshot(t)
		c, err := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-dev", claimName)
		if err != nil {
			return false, err
		}
		if !done(s) || !isTrue(c, "Ready") || !reflect.DeepEqual(s, last) {
			last, stable = s, 0
			return false, nil
		}
		stable++
		return stable >= 3, nil
	})
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return last
}

// specDiff lists, per resource, the leaf fields that differ between two
// snapshots, with paths as the plan writes them (spec.forProvider.a[0].b).
func specDiff(before, after map[string]map[string]any) map[string]map[string][2]any {
	out := map[string]map[string][2]any{}
	for _, k := range keysOf(before, after) {
		d := map[string][2]any{}
		leafDiff("spec", before[k], after[k], d)
		if len(d) > 0 {
			out[k] = d
		}
	}
	return out
}

func leafDiff(path string, a, b any, out map[string][2]any) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		for _, k := range keysOf(am, bm) {
			p := path + "." + k
			if strings.ContainsAny(k, "./ ") {
				p = fmt.Sprintf("%s[%q]", path, k)
			}
			leafDiff(p, am[k], bm[k], out)
		}
		return
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok {
		for i := 0; i < max(len(al), len(bl)); i++ {
			var x, y any
			if i < len(al) {
				x = al[i]
			}
			if i < len(bl) {
				y = bl[i]
			}
			leafDiff(fmt.Sprintf("%s[%d]", path, i), x, y, out)
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		out[path] = [2]any{a, b}
	}
}

// keysOf is the sorted keys of a and b.
func keysOf[V any](a, b map[string]V) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// changedPaths is layer/resource -> sorted changed field paths.
func changedPaths(d map[string]map[string][2]any) map[string][]string {
	out := map[string][]string{}
	for k, fields := range d {
		for p := range fields {
			out[k] = append(out[k], p)
		}
		sort.Strings(out[k])
	}
	return out
}
