package cidrplan

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

var zones = []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}

func TestPlanDefaultVPC(t *testing.T) {
	got, err := Plan("10.0.0.0/16", zones)
	if err != nil {
		t.Fatal(err)
	}
	var cidrs []string
	for _, s := range got {
		cidrs = append(cidrs, s.Tier+" "+s.Zone[len(s.Zone)-1:]+" "+s.CIDR.String())
	}
	want := []string{
		"public a 10.0.192.0/22", "public c 10.0.196.0/22", "public d 10.0.200.0/22",
		"private a 10.0.0.0/18", "private c 10.0.64.0/18", "private d 10.0.128.0/18",
		"database a 10.0.208.0/22", "database c 10.0.212.0/22", "database d 10.0.216.0/22",
	}
	if diff := cmp.Diff(want, cidrs); diff != "" {
		t.Errorf("Plan(10.0.0.0/16): -want, +got:\n%s", diff)
	}
}

// TestPlanNoOverlap proves for every allowed prefix that the subnets lie in the
// VPC and never overlap each other.
func TestPlanNoOverlap(t *testing.T) {
	for _, vpc := range []string{"10.0.0.0/16", "172.16.0.0/17", "192.168.0.0/18", "10.20.0.0/19", "10.1.16.0/20"} {
		subnets, err := Plan(vpc, zones)
		if err != nil {
			t.Fatalf("Plan(%s): %v", vpc, err)
		}
		base := netip.MustParsePrefix(vpc)
		for i, a := range subnets {
			if !base.Contains(a.CIDR.Addr()) || a.CIDR.Bits() < base.Bits() {
				t.Errorf("%s: subnet %s is outside the VPC", vpc, a.CIDR)
			}
			if a.CIDR.Bits() > 28 {
				t.Errorf("%s: subnet %s is smaller than the /28 AWS allows", vpc, a.CIDR)
			}
			for _, b := range subnets[i+1:] {
				if a.CIDR.Overlaps(b.CIDR) {
					t.Errorf("%s: %s overlaps %s", vpc, a.CIDR, b.CIDR)
				}
			}
		}
	}
}

func TestPlanRejects(t *testing.T) {
	cases := map[string]struct {
		reason string
		cidr   string
		zones  []string
		want   string
	}{
		"NotCIDR":   {"a CIDR must parse", "10.0.0.0", zones, `network.cidr: Invalid value: "10.0.0.0": not a CIDR block`},
		"HostBits":  {"host bits must be zero", "10.0.1.0/16", zones, "host bits set: use 10.0.0.0/16"},
		"TooBig":    {"larger than /16 is refused", "10.0.0.0/8", zones, "prefix length must be /16 to /20"},
		"TooSmall":  {"smaller than /20 is refused", "10.0.0.0/24", zones, "prefix length must be /16 to /20"},
		"Public":    {"public ranges are refused", "8.8.0.0/16", zones, "not in a private range"},
		"OneZone":   {"one zone is not highly available", "10.0.0.0/16", zones[:1], "need 2 to 3 zones"},
		"FourZones": {"the plan has room for three", "10.0.0.0/16", append(zones, "ap-northeast-1b"), "need 2 to 3 zones"},
		"IPv6":      {"IPv6 VPC blocks are not planned", "fd00::/56", zones, "only IPv4"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Plan(tc.cidr, tc.zones)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: Plan(%s): want error containing %q, got %v", tc.reason, tc.cidr, tc.want, err)
			}
		})
	}
}

// TestValidateReportsAll: a bad CIDR and a bad zone count are both
// reported, each at its field.
func TestValidateReportsAll(t *testing.T) {
	errs := Validate("10.0.0.0/24", zones[:1], field.NewPath("spec", "parameters"))
	var got []string
	for _, e := range errs {
		got = append(got, e.Field)
	}
	if diff := cmp.Diff([]string{"spec.parameters.cidr", "spec.parameters.availabilityZones"}, got); diff != "" {
		t.Errorf("Validate(): fields -want, +got:\n%s", diff)
	}
}
