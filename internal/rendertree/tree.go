package rendertree

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/internal/awssim"
)

// group of the platform's own composite resources.
const group = "platform.gokinjo.io"

// maxRounds bounds the fixpoint loops: each round can only add resources that
// wait for something observed in the round before, and no chain is longer.
const maxRounds = 6

// Fixtures are observed composed resources per XR kind.
type Fixtures map[string][]*unstructured.Unstructured

// Tree renders the claim's XR and then every nested XR it composes, each with
// the observed fixtures of its kind. The output is the environment XR and what
// it composes, then each nested XR (full spec and status) and what it
// composes: one stream with every resource the claim leads to.
func (r *Renderer) Tree(ctx context.Context, claim *unstructured.Unstructured, fx Fixtures) ([]*unstructured.Unstructured, error) {
	xr, err := XRFromClaim(claim)
	if err != nil {
		return nil, err
	}
	out, err := r.Render(ctx, xr, fx[xr.GetKind()])
	if err != nil {
		return nil, err
	}
	result := []*unstructured.Unstructured{out[0]}
	var nested []*unstructured.Unstructured
	for _, c := range out[1:] {
		if isNestedXR(c) {
			nested = append(nested, c)
			continue
		}
		result = append(result, c)
	}
	for _, c := range nested {
		n := nestedXR(xr.GetName(), c)
		nout, err := r.Render(ctx, n, fx[n.GetKind()])
		if err != nil {
			return nil, err
		}
		result = append(result, nout...)
	}
	return result, nil
}

// Fixtures walks the lifecycle of a claim with the AWS simulator until the
// nested layers of the given kinds are observed ready, and returns the
// observed resources of every XR kind at that point. Layers not in ready exist
// (the AWS layers' XRs were created on the first reconcile, the workloads XR
// once the cluster reported its ProviderConfig) but nothing in them is ready
// yet.
func (r *Renderer) Fixtures(ctx context.Context, claim *unstructured.Unstructured, ready map[string]bool) (Fixtures, error) {
	xr, err := XRFromClaim(claim)
	if err != nil {
		return nil, err
	}
	acct := r.Sim
	if acct == nil {
		acct = NewSimAccount()
	}
	fx := Fixtures{}
	for round := 0; ; round++ {
		if round == maxRounds {
			return nil, fmt.Errorf("the environment did not converge in %d rounds", maxRounds)
		}
		out, err := r.Render(ctx, xr, fx[xr.GetKind()])
		if err != nil {
			return nil, err
		}
		var envObserved []*unstructured.Unstructured
		var refusals []error
		// Layers converge in lifecycle order: a layer's references resolve
		// against the layers it builds on, as they would in AWS over time.
		composed := append([]*unstructured.Unstructured(nil), out[1:]...)
		sort.SliceStable(composed, func(i, j int) bool { return layerRank(composed[i]) < layerRank(composed[j]) })
		for _, c := range composed {
			comp := compositionResourceName(c)
			if !isNestedXR(c) {
				// Environment-level resources (none are AWS resources) exist.
				envObserved = append(envObserved, acct.Apply(xr.GetName(), comp, c))
				continue
			}
			n := nestedXR(xr.GetName(), c)
			if !ready[n.GetKind()] {
				delete(fx, n.GetKind())
				envObserved = append(envObserved, observedXR(n, comp, nil, false))
				continue
			}
			observed, final, err := r.converge(ctx, acct, n)
			if err != nil {
				// Every layer is tried, so one run names every refusal.
				refusals = append(refusals, err)
				continue
			}
			fx[n.GetKind()] = observed
			envObserved = append(envObserved, observedXR(n, comp, final, true))
		}
		if len(refusals) > 0 {
			return nil, errors.Join(refusals...)
		}
		if same(envObserved, fx[xr.GetKind()]) {
			return fx, nil
		}
		fx[xr.GetKind()] = envObserved
	}
}

// layerRank orders nested XRs as the "ready" stage lists them; other
// resources first.
func layerRank(u *unstructured.Unstructured) int {
	if !isNestedXR(u) {
		return -1
	}
	order := Stages[len(Stages)-1].Ready
	for i, k := range order {
		if k == u.GetKind() {
			return i
		}
	}
	return len(order)
}

// converge renders a nested XR against the strict simulated AWS account
// until what it desires is observed and nothing changes; it returns the
// observed resources and the XR as last rendered (with its status). A
// resource the simulator refuses (an AWS error, a reference that never
// resolves, a Pod whose image is missing) is an error naming the resource,
// the rule and the AWS-style message.
func (r *Renderer) converge(ctx context.Context, acct *awssim.Account, xr *unstructured.Unstructured) ([]*unstructured.Unstructured, *unstructured.Unstructured, error) {
	var observed []*unstructured.Unstructured
	for round := 0; round < maxRounds; round++ {
		out, err := r.Render(ctx, xr, observed)
		if err != nil {
			return nil, nil, err
		}
		next := acct.ApplyAll(xr.GetName(), out[1:], compositionResourceName)
		if same(next, observed) {
			if err := refused(acct, xr); err != nil {
				return nil, nil, err
			}
			return observed, out[0], nil
		}
		observed = next
	}
	if err := refused(acct, xr); err != nil {
		return nil, nil, err
	}
	return nil, nil, fmt.Errorf("%s %s did not converge in %d rounds", xr.GetKind(), xr.GetName(), maxRounds)
}

// refused lists what the simulated AWS refused among an XR's resources.
func refused(acct *awssim.Account, xr *unstructured.Unstructured) error {
	var msgs []string
	for _, f := range acct.Failures() {
		if f.Owner == xr.GetName() {
			msgs = append(msgs, "  "+f.String())
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("%s %s: the strict AWS simulator refused %d resource(s):\n%s", xr.GetKind(), xr.GetName(), len(msgs), strings.Join(msgs, "\n"))
}

// NewSimAccount is the simulated account fixtures are made in: the
// package's facts, and a registry holding what the release pushes (the app
// images at preset.DefaultAppVersion in each ECR repository) and public
// images.
func NewSimAccount() *awssim.Account {
	a := awssim.NewAccount(awssim.NewCloud(), awssim.AccountID)
	a.Images = awssim.ReleasedImages{Account: a, Version: ReleaseVersion}
	return a
}

// ReleaseVersion is the version the release pushes the app images at
// (cmd/gokinjo-package's default, the function's DefaultAppVersion).
const ReleaseVersion = "v0.1.0"

// observedXR is a nested XR as the environment observes it: its spec, the
// status its own composition wrote, and a Ready condition.
func observedXR(desired *unstructured.Unstructured, comp string, rendered *unstructured.Unstructured, ready bool) *unstructured.Unstructured {
	o := desired.DeepCopy()
	ann := o.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[awssim.AnnotationCompositionResourceName] = comp
	o.SetAnnotations(ann)
	if rendered != nil {
		if st, ok, _ := unstructured.NestedMap(rendered.Object, "status"); ok {
			o.Object["status"] = st
		}
	}
	_ = awssim.SetConditions(o, ready)
	return o
}

// nestedXR names a nested XR composed by the environment the way the
// simulator names composed resources.
func nestedXR(parent string, c *unstructured.Unstructured) *unstructured.Unstructured {
	n := c.DeepCopy()
	if n.GetName() == "" {
		n.SetName(awssim.Name(parent, compositionResourceName(c)))
	}
	return n
}

func isNestedXR(u *unstructured.Unstructured) bool {
	return u.GroupVersionKind().Group == group && strings.HasPrefix(u.GetKind(), "X")
}

func compositionResourceName(u *unstructured.Unstructured) string {
	return u.GetAnnotations()[awssim.AnnotationCompositionResourceName]
}

// same reports whether two sets of objects are equal, whatever their order.
func same(a, b []*unstructured.Unstructured) bool {
	if len(a) != len(b) {
		return false
	}
	return bytes.Equal(canonical(a), canonical(b))
}

func canonical(objs []*unstructured.Unstructured) []byte {
	sorted := append([]*unstructured.Unstructured(nil), objs...)
	sort.Slice(sorted, func(i, j int) bool { return compositionResourceName(sorted[i]) < compositionResourceName(sorted[j]) })
	b, _ := MarshalYAML(sorted)
	return b
}
