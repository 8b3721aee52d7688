package network

import (
	"context"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func xr(t *testing.T, p v1alpha1.NetworkParameters) *compose.XR {
	t.Helper()
	x, _ := composetest.NewXR(t, v1alpha1.KindNetwork, "net", p)
	return x
}

func params(nat string) v1alpha1.NetworkParameters {
	return v1alpha1.NetworkParameters{
		Owner:             composetest.Owner("prod"),
		CIDR:              "10.0.0.0/16",
		AvailabilityZones: []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"},
		NATGateways:       nat,
		S3GatewayEndpoint: true,
		ClusterName:       "gokinjo-prod",
	}
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
				if dst := composetest.Str(route.Resource, "spec.forProvider.destinationCidrBlock"); dst != "0.0.0.0/0" {
					t.Errorf("zone %s: default route to %s", z, dst)
				}
				if rt := composetest.Str(route.Resource, "spec.forProvider.routeTableIdSelector.matchLabels[platform.gokinjo.io/component]"); rt != "route-table-private-"+z {
					t.Errorf("zone %s: route in table %s", z, rt)
				}
				got[z] = composetest.Str(route.Resource, "spec.forProvider.natGatewayIdSelector.matchLabels[platform.gokinjo.io/component]")
				rta := d[resource.Name("rta-private-"+z)]
				if sub := composetest.Str(rta.Resource, "spec.forProvider.subnetIdSelector.matchLabels[platform.gokinjo.io/component]"); sub != "subnet-private-"+z {
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

// TestRetainOnDelete: with the database orphaned, the VPC and the database
// subnets it sits in are orphaned too (else deleting them never finishes);
// everything else is still deleted. Without it, nothing is orphaned.
func TestRetainOnDelete(t *testing.T) {
	for _, retain := range []bool{false, true} {
		p := params(v1alpha1.NATOnePerAZ)
		p.RetainOnDelete = retain
		s := compose.NewState(nil)
		if err := (Layer{}).Compose(context.Background(), xr(t, p), s); err != nil {
			t.Fatal(err)
		}
		for name, d := range s.Desired() {
			dp, _ := d.Resource.GetString("spec.deletionPolicy")
			want := retain && (name == "vpc" || (len(name) > len("subnet-database-") && string(name[:len("subnet-database-")]) == "subnet-database-"))
			if (dp == "Orphan") != want {
				t.Errorf("retainOnDelete %t: %s has deletion policy %q, want Orphan %t", retain, name, dp, want)
			}
		}
	}
}

func TestValidateZones(t *testing.T) {
	cases := map[string]struct {
		region string
		zones  []string
		want   string
	}{
		"Tokyo":          {"ap-northeast-1", []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}, ""},
		"NotOffered":     {"ap-northeast-1", []string{"ap-northeast-1a", "ap-northeast-1b"}, "ap-northeast-1b\": not offered to new AWS accounts: use ap-northeast-1a, ap-northeast-1c, ap-northeast-1d"},
		"UpperCase":      {"ap-northeast-1", []string{"ap-northeast-1A", "ap-northeast-1c"}, `spec.parameters.network.availabilityZones[0]: Invalid value: "ap-northeast-1A": not written as a zone of region ap-northeast-1: a zone name is the region followed by one lower-case letter`},
		"TwoLetters":     {"ap-northeast-1", []string{"ap-northeast-1aa", "ap-northeast-1c"}, `"ap-northeast-1aa": not written as a zone`},
		"NonASCII":       {"ap-northeast-1", []string{"ap-northeast-1á", "ap-northeast-1c"}, `"ap-northeast-1á": not written as a zone`},
		"NoSuchLetter":   {"ap-northeast-1", []string{"ap-northeast-1a", "ap-northeast-1z"}, "ap-northeast-1z\": not a zone of region ap-northeast-1"},
		"Twice":          {"us-east-1", []string{"us-east-1a", "us-east-1a"}, `availabilityZones[1]: Duplicate value: "us-east-1a"`},
		"Virginia":       {"us-east-1", []string{"us-east-1a", "us-east-1f"}, ""},
		"GovCloud":       {"us-gov-west-1", []string{"us-gov-west-1a", "us-gov-west-1b"}, `spec.parameters.network.region: Invalid value: "us-gov-west-1": not a region this platform deploys to`},
		"OtherPartition": {"cn-north-1", []string{"cn-north-1a", "cn-north-1b"}, "aws-cn and aws-us-gov, are not supported"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			path := field.NewPath("spec", "parameters", "network")
			err := append(ValidateRegion(tc.region, path.Child("region")), ValidateZones(tc.region, tc.zones, path.Child("availabilityZones"))...).ToAggregate()
			if tc.want == "" {
				if err != nil {
					t.Errorf("want no error, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("want error containing %q, got %v", tc.want, err)
			}
		})
	}
}

// TestZoneRemovalRefused: dropping a zone whose subnets exist is refused
// (AWS cannot delete a subnet holding network interfaces), naming the field,
// the zone and what to do; adding a zone is fine.
func TestZoneRemovalRefused(t *testing.T) {
	obs := map[resource.Name]resource.ObservedComposed{}
	for _, n := range []string{"vpc", "subnet-private-a", "subnet-private-c", "subnet-private-d", "subnet-database-d"} {
		obs[resource.Name(n)] = resource.ObservedComposed{Resource: newComposed(map[string]any{})}
	}
	p := params(v1alpha1.NATOnePerAZ)
	p.AvailabilityZones = []string{"ap-northeast-1a", "ap-northeast-1c"}
	err := (Layer{}).Compose(context.Background(), xr(t, p), compose.NewState(obs))
	want := "spec.parameters.availabilityZones: ap-northeast-1d would be removed, but its subnets exist"
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "keep ap-northeast-1d in availabilityZones") {
		t.Errorf("want error containing %q and the fix, got %v", want, err)
	}
	p.AvailabilityZones = []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}
	delete(obs, "subnet-private-d")
	if err := (Layer{}).Compose(context.Background(), xr(t, p), compose.NewState(obs)); err != nil {
		t.Errorf("keeping every zone is fine: %v", err)
	}
}

// TestValidateReportsAll: every bad field of an XNetwork is reported at
// once, each at its path.
func TestValidateReportsAll(t *testing.T) {
	p := params("Everywhere")
	p.AvailabilityZones = []string{"ap-northeast-1b", "ap-northeast-1c"}
	p.CIDR = "10.0.0.0/8"
	var got []string
	for _, e := range Validate(p, field.NewPath("spec", "parameters")) {
		got = append(got, e.Field)
	}
	want := []string{"spec.parameters.availabilityZones[0]", "spec.parameters.cidr", "spec.parameters.natGateways"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Validate(): fields -want, +got:\n%s", diff)
	}
}
