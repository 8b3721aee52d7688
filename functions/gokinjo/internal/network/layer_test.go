package network

import (
	"context"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func xr(t *testing.T, p v1alpha1.NetworkParameters) *compose.XR {
	t.Helper()
	x, _, err := compose.NewXRFor(v1alpha1.KindNetwork, "net", p)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func params(nat string) v1alpha1.NetworkParameters {
	return v1alpha1.NetworkParameters{
		Owner:             v1alpha1.Owner{EnvironmentID: "gokinjo-abcde", Environment: "prod", Region: "ap-northeast-1", ProviderConfigName: "default"},
		CIDR:              "10.0.0.0/16",
		AvailabilityZones: []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"},
		NATGateways:       nat,
		S3GatewayEndpoint: true,
		ClusterName:       "gokinjo-prod",
	}
}

func str(t *testing.T, d *resource.DesiredComposed, path string) string {
	t.Helper()
	v, err := d.Resource.GetString(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// TestPrivateRoutes proves every private subnet routes to the internet through
// a NAT gateway: its own zone's in OnePerAZ mode, the first zone's in Single.
func TestPrivateRoutes(t *testing.T) {
	cases := map[string]struct {
		nat  string
		want map[string]string
	}{
		"OnePerAZ": {v1alpha1.NATOnePerAZ, map[string]string{"a": "nat-gateway-a", "c": "nat-gateway-c", "d": "nat-gateway-d"}},
		"Single":   {v1alpha1.NATSingle, map[string]string{"a": "nat-gateway-a", "c": "nat-gateway-a", "d": "nat-gateway-a"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := compose.NewState(nil)
			if err := (Layer{}).Compose(context.Background(), xr(t, params(tc.nat)), s); err != nil {
				t.Fatal(err)
			}
			d := s.Desired()
			got := map[string]string{}
			for _, z := range []string{"a", "c", "d"} {
				route := d[resource.Name("route-private-"+z+"-default")]
				if route == nil {
					t.Fatalf("no default route for private zone %s", z)
				}
				if dst := str(t, route, "spec.forProvider.destinationCidrBlock"); dst != "0.0.0.0/0" {
					t.Errorf("zone %s: default route to %s", z, dst)
				}
				if rt := str(t, route, "spec.forProvider.routeTableIdSelector.matchLabels[platform.gokinjo.io/component]"); rt != "route-table-private-"+z {
					t.Errorf("zone %s: route in table %s", z, rt)
				}
				got[z] = str(t, route, "spec.forProvider.natGatewayIdSelector.matchLabels[platform.gokinjo.io/component]")
				rta := d[resource.Name("rta-private-"+z)]
				if sub := str(t, rta, "spec.forProvider.subnetIdSelector.matchLabels[platform.gokinjo.io/component]"); sub != "subnet-private-"+z {
					t.Errorf("zone %s: association of subnet %s", z, sub)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("NAT gateway per private zone: -want, +got:\n%s", diff)
			}
		})
	}
}

// TestSubnetTagsAndLabels proves the tags EKS load balancers discover subnets
// by, the cost tags, and the labels other layers select subnets by.
func TestSubnetTagsAndLabels(t *testing.T) {
	s := compose.NewState(nil)
	if err := (Layer{}).Compose(context.Background(), xr(t, params(v1alpha1.NATOnePerAZ)), s); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		role string
		tier string
	}{
		"subnet-public-a":   {"kubernetes.io/role/elb", "public"},
		"subnet-private-c":  {"kubernetes.io/role/internal-elb", "private"},
		"subnet-database-d": {"", "database"},
	}
	for name, tc := range cases {
		d := s.Desired()[resource.Name(name)]
		tags, err := d.Resource.GetStringObject("spec.forProvider.tags")
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"Project", "Environment", "ManagedBy", "Name"} {
			if tags[k] == "" {
				t.Errorf("%s: tag %s missing", name, k)
			}
		}
		if tc.role != "" && (tags[tc.role] != "1" || tags["kubernetes.io/cluster/gokinjo-prod"] != "shared") {
			t.Errorf("%s: EKS discovery tags missing: %v", name, tags)
		}
		if tc.role == "" && tags["kubernetes.io/cluster/gokinjo-prod"] != "" {
			t.Errorf("%s: database subnets must not be offered to load balancers", name)
		}
		l := d.Resource.GetLabels()
		if l["platform.gokinjo.io/tier"] != tc.tier || l["platform.gokinjo.io/environment-id"] != "gokinjo-abcde" {
			t.Errorf("%s: labels %v", name, l)
		}
	}
}

// TestStatusFromObserved proves ids flow into the status once observed.
func TestStatusFromObserved(t *testing.T) {
	obs := map[resource.Name]resource.ObservedComposed{}
	for name, id := range map[string]string{"vpc": "vpc-1", "subnet-private-a": "subnet-pa", "nat-gateway-a": "nat-a"} {
		o := resource.ObservedComposed{Resource: newComposed(map[string]any{"status": map[string]any{"atProvider": map[string]any{"id": id}}})}
		obs[resource.Name(name)] = o
	}
	s := compose.NewState(obs)
	x := xr(t, params(v1alpha1.NATSingle))
	if err := (Layer{}).Compose(context.Background(), x, s); err != nil {
		t.Fatal(err)
	}
	var st v1alpha1.NetworkStatus
	if !x.DesiredStatus(&st) {
		t.Fatal("no status written")
	}
	if st.VPCID != "vpc-1" || len(st.NATGatewayIDs) != 1 || st.NATGatewayIDs[0] != "nat-a" ||
		len(st.PrivateSubnetIDs) != 1 || st.PrivateSubnetIDs[0] != "subnet-pa" || len(st.Subnets) != 9 {
		t.Errorf("status: %+v", st)
	}
}
