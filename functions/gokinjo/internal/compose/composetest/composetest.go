// Package composetest is what the layers' tests share: an observed XR with
// parameters, one compose call as RunFunction makes it, and the AWS
// simulator playing the providers until a layer has composed everything.
package composetest

import (
	"context"
	"slices"
	"sort"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/crossplane/function-sdk-go/resource/composite"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/awssim"
)

// EnvironmentID is the environment id of the tests' owner.
const EnvironmentID = "gokinjo-abcde"

// Owner is the owner the environment layer resolves for env in Tokyo with
// the default ProviderConfig.
func Owner(env string) v1alpha1.Owner {
	return v1alpha1.Owner{EnvironmentID: EnvironmentID, Environment: env, Region: "ap-northeast-1", ProviderConfigName: "default"}
}

// A Layer composes one kind of XR (the function's Layer interface).
type Layer interface {
	Compose(ctx context.Context, xr *compose.XR, s *compose.State) error
}

// Observed is the observed composed resources of a request.
type Observed = map[resource.Name]resource.ObservedComposed

// NewXR builds an observed XR of kind named name with the parameters, and
// the empty desired XR the layer writes status to.
func NewXR(t testing.TB, kind, name string, params any) (*compose.XR, *composite.Unstructured) {
	t.Helper()
	return NewXRFrom(t, map[string]any{
		"apiVersion": v1alpha1.APIVersion,
		"kind":       kind,
		"metadata":   map[string]any{"name": name},
		"spec":       map[string]any{"parameters": params},
	})
}

// NewXRFrom builds an observed XR of the content (given as Go values, as
// they would marshal to JSON) and an empty desired XR.
func NewXRFrom(t testing.TB, content map[string]any) (*compose.XR, *composite.Unstructured) {
	t.Helper()
	c, err := compose.ToContent(content)
	if err != nil {
		t.Fatal(err)
	}
	oxr, dxr := composite.New(), composite.New()
	oxr.SetUnstructuredContent(c)
	return compose.NewXR(oxr, dxr), dxr
}

// A Round is one compose call: the state, and the observed and desired XR.
type Round struct {
	State *compose.State
	XR    *compose.XR
	DXR   *composite.Unstructured
}

// Run composes an XR of kind named name with the parameters once over the
// observed resources, as RunFunction would.
func Run(t testing.TB, l Layer, kind, name string, params any, observed Observed) (Round, error) {
	t.Helper()
	xr, dxr := NewXR(t, kind, name, params)
	s := compose.NewState(observed)
	err := l.Compose(context.Background(), xr, s)
	return Round{State: s, XR: xr, DXR: dxr}, err
}

// MustRun is Run for compose calls that must succeed.
func MustRun(t testing.TB, l Layer, kind, name string, params any, observed Observed) Round {
	t.Helper()
	r, err := Run(t, l, kind, name, params, observed)
	if err != nil {
		t.Fatalf("Compose(): %v", err)
	}
	return r
}

// Observe plays the providers with the simulator: everything desired now
// exists and is ready, with the status fields the provider would report.
func Observe(t testing.TB, xrName string, s *compose.State) Observed {
	t.Helper()
	out := Observed{}
	for name, d := range s.Desired() {
		o, err := awssim.Observe(xrName, string(name), &d.Resource.Unstructured)
		if err != nil {
			t.Fatalf("simulator: %v", err)
		}
		out[name] = resource.ObservedComposed{Resource: &composed.Unstructured{Unstructured: *o}}
	}
	return out
}

// Converge composes kind with the parameters and simulates until the layer
// desires the same resources twice and waits for nothing. It returns each
// round's desired names and the last round.
func Converge(t testing.TB, l Layer, kind, name string, params any) ([][]string, Round) {
	t.Helper()
	var rounds [][]string
	observed := Observed{}
	for i := 0; i < 8; i++ {
		r := MustRun(t, l, kind, name, params, observed)
		names := r.State.Names()
		rounds = append(rounds, names)
		if i > 0 && slices.Equal(names, rounds[i-1]) && len(r.State.Waiting()) == 0 {
			return rounds, r
		}
		observed = Observe(t, name, r.State)
	}
	t.Fatalf("did not converge: %v", rounds[len(rounds)-1])
	return nil, Round{}
}

// ConvergeIn composes kind with the parameters against a strict simulated
// account shared with other layers (their references resolve across
// layers, as in AWS) until the layer desires the same resources twice and
// waits for nothing. Each composed resource is controlled by the XR, as
// Crossplane makes it. Refusals stay in the account (Account.Failures).
func ConvergeIn(t testing.TB, a *awssim.Account, l Layer, kind, name string, params any) Round {
	t.Helper()
	observed := Observed{}
	var prev []string
	controller := true
	for i := 0; i < 12; i++ {
		r := MustRun(t, l, kind, name, params, observed)
		names := r.State.Names()
		if i > 0 && slices.Equal(names, prev) && len(r.State.Waiting()) == 0 {
			return r
		}
		prev = names
		var objs []*unstructured.Unstructured
		comp := map[*unstructured.Unstructured]resource.Name{}
		for n, d := range r.State.Desired() {
			u := d.Resource.Unstructured.DeepCopy()
			u.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: v1alpha1.APIVersion, Kind: kind, Name: name, Controller: &controller}})
			comp[u] = n
			objs = append(objs, u)
		}
		sort.Slice(objs, func(i, j int) bool { return comp[objs[i]] < comp[objs[j]] })
		observed = Observed{}
		for i, o := range a.ApplyAll(name, objs, func(u *unstructured.Unstructured) string { return string(comp[u]) }) {
			observed[comp[objs[i]]] = resource.ObservedComposed{Resource: &composed.Unstructured{Unstructured: *o}}
		}
	}
	t.Fatalf("%s %s did not converge in the simulated account: %v", kind, name, a.Failures())
	return Round{}
}

// Str reads a string field of a composed resource, "" if it is not set.
func Str(u *composed.Unstructured, path string) string {
	v, _ := u.GetString(path)
	return v
}
