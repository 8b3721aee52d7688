package network

import (
	"slices"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/awssim"
)

const xrName = "net"

// reconcile plays Crossplane and the provider over a simulated account
// until the layer composes the same resources twice, waits for nothing and
// the account refuses nothing: each desired resource is applied (controlled
// by the XR, as Crossplane sets it, in map order as Crossplane does), and
// what the layer no longer desires is deleted. A reference to a resource
// applied later in the same pass fails to resolve until the next pass, as
// the provider's would until its next reconcile.
func reconcile(t *testing.T, a *awssim.Account, p v1alpha1.NetworkParameters, observed composetest.Observed) composetest.Observed {
	t.Helper()
	var last []string
	for i := 0; i < 10; i++ {
		r := composetest.MustRun(t, Layer{}, v1alpha1.KindNetwork, xrName, p, observed)
		next := composetest.Observed{}
		for name, d := range r.State.Desired() {
			u := d.Resource.Unstructured.DeepCopy()
			u.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: v1alpha1.APIVersion, Kind: v1alpha1.KindNetwork, Name: xrName, Controller: ptr(true)}})
			next[name] = resource.ObservedComposed{Resource: &composed.Unstructured{Unstructured: *a.Apply(xrName, string(name), u)}}
		}
		for pass := 0; pass < 2; pass++ {
			for name, o := range observed {
				if _, ok := next[name]; !ok {
					_ = a.Delete(o.Resource.GroupVersionKind().GroupKind(), o.Resource.GetName())
				}
			}
		}
		names := r.State.Names()
		if len(r.State.Waiting()) == 0 && slices.Equal(names, last) && len(a.Failures()) == 0 {
			return next
		}
		observed, last = next, names
	}
	t.Fatalf("the network did not converge: composing %v, refused %v", last, a.Failures())
	return nil
}

func ptr[T any](v T) *T { return &v }

// TestNATModeChange: switching natGateways on an existing network moves
// each private zone's default route to the NAT gateway the new mode gives
// it. The provider resolves a selector only while the id is unset unless
// the policy says Always: without it, OnePerAZ -> Single left zones c and
// d routing to deleted gateways (blackholed), and Single -> OnePerAZ left
// every zone on zone a's gateway.
func TestNATModeChange(t *testing.T) {
	cases := map[string]struct{ from, to string }{
		"OnePerAZToSingle": {v1alpha1.NATOnePerAZ, v1alpha1.NATSingle},
		"SingleToOnePerAZ": {v1alpha1.NATSingle, v1alpha1.NATOnePerAZ},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := awssim.NewAccount(awssim.NewCloud(), awssim.AccountID)
			obs := reconcile(t, a, params(tc.from), composetest.Observed{})
			obs = reconcile(t, a, params(tc.to), obs)
			if f := a.Failures(); len(f) > 0 {
				t.Fatalf("refused: %v", f)
			}
			n := &network{p: params(tc.to)}
			for _, z := range n.p.AvailabilityZones {
				sub := obs[resource.Name(subnetComponent(v1alpha1.TierPrivate, z))].Resource.GetName()
				if !a.Egress(sub) {
					t.Errorf("zone %s: the private subnet has no egress after the switch", z)
				}
				route := obs[resource.Name("route-private-"+z[len(z)-1:]+"-default")].Resource
				nat := obs[resource.Name(natComponent(n.natFor(z)))].Resource
				got, _ := route.GetString("spec.forProvider.natGatewayId")
				if want := nat.GetAnnotations()[awssim.AnnotationExternalName]; got != want {
					t.Errorf("zone %s routes to %s, want %s (%s)", z, got, want, natComponent(n.natFor(z)))
				}
			}
		})
	}
}

// TestNATGatewaysWaitForInternetGateway: a public NAT gateway created before
// the VPC has an internet gateway fails, so the gateways are composed once
// the internet gateway is observed ready, and an existing one stays.
func TestNATGatewaysWaitForInternetGateway(t *testing.T) {
	first := composetest.MustRun(t, Layer{}, v1alpha1.KindNetwork, xrName, params(v1alpha1.NATOnePerAZ), nil)
	for _, z := range []string{"a", "c", "d"} {
		if _, ok := first.State.Desired()[resource.Name("nat-gateway-"+z)]; ok {
			t.Errorf("nat-gateway-%s composed before the internet gateway is ready", z)
		}
		if _, ok := first.State.Desired()[resource.Name("eip-nat-"+z)]; !ok {
			t.Errorf("eip-nat-%s waits too: an Elastic IP needs no internet gateway", z)
		}
	}
	if w := first.State.Waiting(); len(w) != 3 || w[0] != "nat-gateway-a" {
		t.Errorf("waiting for %v, want the three NAT gateways", w)
	}
	obs := composetest.Observe(t, xrName, first.State)
	ready := composetest.MustRun(t, Layer{}, v1alpha1.KindNetwork, xrName, params(v1alpha1.NATOnePerAZ), obs)
	if _, ok := ready.State.Desired()["nat-gateway-a"]; !ok || len(ready.State.Waiting()) != 0 {
		t.Errorf("internet gateway ready: NAT gateway composed %v, waiting for %v", ok, ready.State.Waiting())
	}
	// An existing NAT gateway stays composed whatever the internet gateway
	// reports.
	obs = composetest.Observe(t, xrName, ready.State)
	delete(obs, compIGW)
	again := composetest.MustRun(t, Layer{}, v1alpha1.KindNetwork, xrName, params(v1alpha1.NATOnePerAZ), obs)
	if _, ok := again.State.Desired()["nat-gateway-a"]; !ok {
		t.Error("an existing NAT gateway was dropped when the internet gateway was not observed ready")
	}
}
