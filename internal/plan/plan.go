// Package plan tells what applying an Environment claim would do, before it
// is applied: it renders the claim with the function against the
// environment as it is (observed fixtures or the management cluster) and
// compares what the function desires with what exists, layer by layer:
// resources to create, update (field by field) and delete, every refusal
// the function would give, and the monthly cost before and after.
package plan

import (
	"context"
	"errors"
	"sort"

	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/functions/gokinjo/costreport"
	"github.com/gokinjo/platform/internal/awssim"
	"github.com/gokinjo/platform/internal/rendertree"
)

// Layer names in the order a plan lists them: the environment's own
// composed resources, then each nested XR's.
var layerOf = map[string]string{
	"XEnvironment": "environment",
	"XNetwork":     "network",
	"XCluster":     "cluster",
	"XDatabase":    "database",
	"XDataLake":    "dataLake",
	"XWorkloads":   "workloads",
}

var layerOrder = []string{"XEnvironment", "XNetwork", "XCluster", "XDatabase", "XDataLake", "XWorkloads"}

// Plan is what applying a claim would do.
type Plan struct {
	Claim  string  `json:"claim"`
	Layers []Layer `json:"layers"`
	// Refusals are the function's Fatal results: the layer (or, for the
	// environment, everything) keeps what exists and the change waits.
	Refusals []Refusal `json:"refusals,omitempty"`
	// Warnings are the function's warnings (over budget, say).
	Warnings []string `json:"warnings,omitempty"`
	Cost     Cost     `json:"cost"`
}

// Layer is one layer's changes.
type Layer struct {
	Name   string   `json:"name"`
	Create []Change `json:"create,omitempty"`
	Update []Change `json:"update,omitempty"`
	Delete []Change `json:"delete,omitempty"`
}

// A Change is one resource to create, update or delete, named by its
// composition resource name.
type Change struct {
	Resource string  `json:"resource"`
	Kind     string  `json:"kind"`
	Fields   []Field `json:"fields,omitempty"`
}

// A Refusal is one layer the function refuses to compose, with its message.
type Refusal struct {
	Layer   string `json:"layer"`
	Message string `json:"message"`
}

// Refused reports whether the function would refuse any part of the change.
func (p *Plan) Refused() bool { return len(p.Refusals) > 0 }

// Changes counts the resources to create, update and delete.
func (p *Plan) Changes() int {
	n := 0
	for _, l := range p.Layers {
		n += len(l.Create) + len(l.Update) + len(l.Delete)
	}
	return n
}

// ExitCode is 0 for no change, 2 for changes, 1 for a refusal, so CI can
// gate on it.
func (p *Plan) ExitCode() int {
	switch {
	case p.Refused():
		return 1
	case p.Changes() > 0:
		return 2
	}
	return 0
}

// Make renders claim with r against the environment as it is (observed, per
// XR kind, with the name of the existing XEnvironment, or "" for one not
// created yet) and compares.
func Make(ctx context.Context, r *rendertree.Renderer, claim *unstructured.Unstructured, xrName string, observed rendertree.Fixtures) (*Plan, error) {
	xr, err := rendertree.XRFromClaim(claim)
	if err != nil {
		return nil, err
	}
	if xrName != "" {
		xr.SetName(xrName)
	}
	p := &Plan{Claim: claim.GetNamespace() + "/" + claim.GetName()}
	desired, nested, err := render(ctx, r, xr, observed, p)
	if err != nil {
		return nil, err
	}
	for _, kind := range layerOrder {
		l := compare(layerOf[kind], observed[kind], desired[kind])
		if len(l.Create)+len(l.Update)+len(l.Delete) > 0 {
			p.Layers = append(p.Layers, l)
		}
	}
	if p.Cost.Before, err = costreport.Lines(nestedXRs(observed["XEnvironment"])); err != nil {
		return nil, err
	}
	if p.Cost.After, err = costreport.Lines(nested); err != nil {
		return nil, err
	}
	p.Cost.summarise()
	return p, nil
}

// render renders the environment and every nested XR the way Crossplane
// would reconcile them, and returns the desired composed resources per XR
// kind and the desired nested XRs. A refused XR keeps what it has (the
// function's Fatal result leaves its resources as they are); the others go
// on, so one plan names every refusal.
func render(ctx context.Context, r *rendertree.Renderer, xr *unstructured.Unstructured, observed rendertree.Fixtures, p *Plan) (rendertree.Fixtures, []*unstructured.Unstructured, error) {
	desired := rendertree.Fixtures{}
	out, err := r.Render(ctx, xr, observed[xr.GetKind()])
	if refusal := asRefusal(err); refusal != nil {
		p.Refusals = append(p.Refusals, Refusal{Layer: layerOf[xr.GetKind()], Message: refusal.Message})
		return observed, nestedXRs(observed[xr.GetKind()]), nil
	}
	if err != nil {
		return nil, nil, err
	}
	budgetVerdict(out[0], p)
	observedXRs := byName(nestedXRs(observed[xr.GetKind()]))
	var todo []*unstructured.Unstructured
	for _, c := range out[1:] {
		if _, isXR := layerOf[c.GetKind()]; !isXR {
			desired[xr.GetKind()] = append(desired[xr.GetKind()], c)
			continue
		}
		n := c.DeepCopy()
		if n.GetName() == "" {
			// Crossplane keeps the name of a nested XR that exists.
			if o, ok := observedXRs[compositionName(n)]; ok {
				n.SetName(o.GetName())
			} else {
				n.SetName(awssim.Name(xr.GetName(), compositionName(n)))
			}
		}
		todo = append(todo, n)
	}
	// The layers render independently: in parallel, so a plan stays fast.
	outs := make([][]*unstructured.Unstructured, len(todo))
	errs := make([]error, len(todo))
	var g errgroup.Group
	for i, n := range todo {
		g.Go(func() error {
			outs[i], errs[i] = r.Render(ctx, n, observed[n.GetKind()])
			return nil
		})
	}
	_ = g.Wait()
	var nested []*unstructured.Unstructured
	for i, n := range todo {
		if refusal := asRefusal(errs[i]); refusal != nil {
			p.Refusals = append(p.Refusals, Refusal{Layer: layerOf[n.GetKind()], Message: refusal.Message})
			desired[n.GetKind()] = observed[n.GetKind()]
			if o, ok := observedXRs[compositionName(n)]; ok {
				nested = append(nested, o)
			}
			continue
		}
		if errs[i] != nil {
			return nil, nil, errs[i]
		}
		desired[n.GetKind()] = outs[i][1:]
		nested = append(nested, n)
	}
	return desired, nested, nil
}

func asRefusal(err error) *rendertree.Refusal {
	var r *rendertree.Refusal
	if errors.As(err, &r) {
		return r
	}
	return nil
}

// compare lists what changes between the observed and desired resources of
// one layer, by composition resource name.
func compare(layer string, observed, desired []*unstructured.Unstructured) Layer {
	l := Layer{Name: layer}
	obs := byName(managed(observed))
	want := byName(managed(desired))
	for _, name := range sortedKeys(want) {
		d := want[name]
		o, ok := obs[name]
		if !ok {
			l.Create = append(l.Create, Change{Resource: name, Kind: d.GetKind()})
			continue
		}
		if fields := changedFields(o, d); len(fields) > 0 {
			l.Update = append(l.Update, Change{Resource: name, Kind: d.GetKind(), Fields: fields})
		}
	}
	for _, name := range sortedKeys(obs) {
		if _, ok := want[name]; !ok {
			l.Delete = append(l.Delete, Change{Resource: name, Kind: obs[name].GetKind()})
		}
	}
	return l
}

// changedFields diffs what Crossplane applies of a composed resource: its
// spec (forProvider, initProvider, an Object's manifest, a Release's values,
// deletion policy) and its external name, secrets masked.
func changedFields(o, d *unstructured.Unstructured) []Field {
	var out []Field
	if was, will := externalName(o), externalName(d); was != "" && will != "" && was != will {
		out = append(out, Field{Path: "metadata.annotations[" + externalNameKey + "]", Was: was, Will: will})
	}
	secret := isSecretManifest(d)
	for _, f := range diffSpec("spec", o.Object["spec"], d.Object["spec"]) {
		out = append(out, mask(f, secret))
	}
	return out
}

const externalNameKey = "crossplane.io/external-name"

func externalName(u *unstructured.Unstructured) string { return u.GetAnnotations()[externalNameKey] }

// isSecretManifest reports whether a provider-kubernetes Object manages a
// Secret.
func isSecretManifest(u *unstructured.Unstructured) bool {
	kind, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "manifest", "kind")
	return kind == "Secret"
}

// managed drops nested XRs: they are not AWS resources, and their own
// composed resources are compared in their layer.
func managed(objs []*unstructured.Unstructured) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if _, isXR := layerOf[o.GetKind()]; !isXR {
			out = append(out, o)
		}
	}
	return out
}

func nestedXRs(objs []*unstructured.Unstructured) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if _, isXR := layerOf[o.GetKind()]; isXR {
			out = append(out, o)
		}
	}
	return out
}

func byName(objs []*unstructured.Unstructured) map[string]*unstructured.Unstructured {
	m := make(map[string]*unstructured.Unstructured, len(objs))
	for _, o := range objs {
		m[compositionName(o)] = o
	}
	return m
}

func compositionName(u *unstructured.Unstructured) string {
	return u.GetAnnotations()[awssim.AnnotationCompositionResourceName]
}

func sortedKeys(m map[string]*unstructured.Unstructured) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// budgetVerdict reads the environment's WithinBudget condition: over budget
// is a warning; a budget hard limit that keeps layers at their existing
// sizes (HardLimitHeld) refuses part of the change.
func budgetVerdict(xr *unstructured.Unstructured, p *Plan) {
	conds, _, _ := unstructured.NestedSlice(xr.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] != "WithinBudget" || m["status"] != "False" {
			continue
		}
		msg, _ := m["message"].(string)
		if m["reason"] == "HardLimitHeld" {
			p.Refusals = append(p.Refusals, Refusal{Layer: "budget", Message: msg})
			continue
		}
		p.Warnings = append(p.Warnings, "budget: "+msg)
	}
}
