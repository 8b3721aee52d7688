package cluster

import (
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/crossplane/function-sdk-go/resource/composite"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/awssim"
)

const testXR = "gokinjo-abcde-1a2b3"

// params are the parameters the environment layer would resolve for env
// with no overrides, changed by mod.
func params(t *testing.T, env string, mod func(*v1alpha1.ClusterParameters)) v1alpha1.ClusterParameters {
	t.Helper()
	pre, err := preset.For(env)
	if err != nil {
		t.Fatal(err)
	}
	p := preset.ResolveCluster(preset.Owner("gokinjo-abcde", v1alpha1.EnvironmentParameters{Environment: env}), pre, v1alpha1.EnvironmentParameters{})
	if mod != nil {
		mod(&p)
	}
	return p
}

// newXR builds an observed XCluster with the parameters, and the desired XR
// the layer writes status to.
func newXR(t *testing.T, p v1alpha1.ClusterParameters) (*compose.XR, *composite.Unstructured) {
	t.Helper()
	return composetest.NewXR(t, v1alpha1.KindCluster, testXR, p)
}

// run composes the layer once over observed resources.
func run(t *testing.T, p v1alpha1.ClusterParameters, observed composetest.Observed) (*compose.State, *composite.Unstructured) {
	t.Helper()
	r := composetest.MustRun(t, Layer{}, v1alpha1.KindCluster, testXR, p, observed)
	return r.State, r.DXR
}

// converge composes and simulates until the layer is composed, and returns
// the rounds' desired names plus the final state and XR.
func converge(t *testing.T, p v1alpha1.ClusterParameters) ([][]string, *compose.State, *composite.Unstructured) {
	t.Helper()
	rounds, last := composetest.Converge(t, Layer{}, v1alpha1.KindCluster, testXR, p)
	return rounds, last.State, last.DXR
}

// desiredOf returns the desired resources of a kind, by name.
func desiredOf(s *compose.State, kind string) map[string]*composed.Unstructured {
	out := map[string]*composed.Unstructured{}
	for name, d := range s.Desired() {
		if d.Resource.GetKind() == kind {
			out[string(name)] = d.Resource
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// inAccount plays the providers with a strict simulated AWS account (state
// kept between reconciles, unlike composetest.Observe): the environment's
// private subnets exist, and each compose round's desired resources are
// applied to the account as Crossplane would create them (controlled by
// the XCluster). Rounds run until the desired names repeat and nothing
// waits; it returns the last round and what the account reports.
func inAccount(t *testing.T, acct *awssim.Account, p v1alpha1.ClusterParameters, observed composetest.Observed) (composetest.Round, composetest.Observed) {
	t.Helper()
	if len(observed) == 0 {
		seedSubnets(t, acct, p)
	}
	var prev []string
	for i := 0; i < 8; i++ {
		r := composetest.MustRun(t, Layer{}, v1alpha1.KindCluster, testXR, p, observed)
		observed = applyTo(acct, r.State)
		names := r.State.Names()
		if i > 0 && slices.Equal(names, prev) && len(r.State.Waiting()) == 0 {
			return r, observed
		}
		prev = names
	}
	t.Fatalf("did not converge in the simulated account: %v", prev)
	return composetest.Round{}, nil
}

// applyTo is one provider reconcile of every desired resource.
func applyTo(acct *awssim.Account, s *compose.State) composetest.Observed {
	var objs []*unstructured.Unstructured
	names := map[*unstructured.Unstructured]string{}
	for name, d := range s.Desired() {
		u := d.Resource.Unstructured.DeepCopy()
		u.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: v1alpha1.APIVersion, Kind: v1alpha1.KindCluster, Name: testXR, Controller: mr.Bool(true)}})
		objs = append(objs, u)
		names[u] = string(name)
	}
	out := acct.ApplyAll(testXR, objs, func(u *unstructured.Unstructured) string { return names[u] })
	observed := composetest.Observed{}
	for i, o := range out {
		observed[resource.Name(names[objs[i]])] = resource.ObservedComposed{Resource: &composed.Unstructured{Unstructured: *o}}
	}
	return observed
}

// seedSubnets creates what the network layer would: a VPC and private
// subnets in two zones, labelled for the environment.
func seedSubnets(t *testing.T, acct *awssim.Account, p v1alpha1.ClusterParameters) {
	t.Helper()
	mk := func(kind, name string, fp map[string]any, lbl map[string]any) *unstructured.Unstructured {
		fp["region"] = p.Region
		lbl[naming.LabelEnvironmentID] = p.EnvironmentID
		lbl[naming.LabelComponent] = name
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "ec2.aws.upbound.io/v1beta1", "kind": kind,
			"metadata": map[string]any{"name": name, "labels": lbl, "ownerReferences": []any{map[string]any{
				"apiVersion": v1alpha1.APIVersion, "kind": "XNetwork", "name": "network", "uid": "", "controller": true}}},
			"spec": map[string]any{"forProvider": fp},
		}}
	}
	vpcSel := map[string]any{"matchControllerRef": true, "matchLabels": map[string]any{naming.LabelComponent: "vpc"}}
	objs := []*unstructured.Unstructured{mk("VPC", "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"}, map[string]any{})}
	for i, zone := range []string{p.Region + "a", p.Region + "c"} {
		objs = append(objs, mk("Subnet", fmt.Sprintf("subnet-private-%d", i), map[string]any{
			"cidrBlock": fmt.Sprintf("10.0.%d.0/24", i), "availabilityZone": zone, "vpcIdSelector": vpcSel,
		}, map[string]any{naming.LabelTier: v1alpha1.TierPrivate}))
	}
	acct.ApplyAll("network", objs, func(u *unstructured.Unstructured) string { return u.GetName() })
	if f := acct.Failures(); len(f) > 0 {
		t.Fatalf("seeding the network: %v", f)
	}
}
