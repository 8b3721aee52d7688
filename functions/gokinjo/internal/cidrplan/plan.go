// Package cidrplan splits the VPC CIDR into the subnets of the three tiers.
//
// The plan, for a VPC of prefix length p (16 to 20) and up to three zones:
//
//	private  tier: quarter i of the VPC (/p+2) for zone i          (EKS pods take VPC IPs: the biggest)
//	public   tier: the last quarter's first sixteenth, split in 4 (/p+6 per zone)
//	database tier: the last quarter's second sixteenth, split in 4 (/p+6 per zone)
//	the rest of the last quarter stays free for later tiers.
//
// For 10.0.0.0/16 that is private 10.0.0.0/18, 10.0.64.0/18, 10.0.128.0/18;
// public 10.0.192.0/22, 10.0.196.0/22, 10.0.200.0/22; database 10.0.208.0/22,
// 10.0.212.0/22, 10.0.216.0/22. A /20 VPC still gets /26 public and database
// subnets, above the /28 that RDS and ALBs need.
package cidrplan

import (
	"fmt"
	"net/netip"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Limits of the plan, also enforced by the XRD.
const (
	MinPrefix = 16
	MaxPrefix = 20
	MaxZones  = 3
	MinZones  = 2
)

// Subnet is one planned subnet.
type Subnet struct {
	Tier string
	Zone string
	CIDR netip.Prefix
}

// Validate checks a VPC CIDR and its zones against the plan's limits; path
// is where the network parameters sit (cidr and availabilityZones below it).
func Validate(vpc string, zones []string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	cidr := path.Child("cidr")
	base, err := netip.ParsePrefix(vpc)
	switch {
	case err != nil:
		errs = append(errs, field.Invalid(cidr, vpc, "not a CIDR block: write it like 10.0.0.0/16"))
	case !base.Addr().Is4():
		errs = append(errs, field.Invalid(cidr, vpc, "only IPv4 VPC blocks are supported"))
	case base.Masked() != base:
		errs = append(errs, field.Invalid(cidr, vpc, fmt.Sprintf("host bits set: use %s", base.Masked())))
	case base.Bits() < MinPrefix || base.Bits() > MaxPrefix:
		errs = append(errs, field.Invalid(cidr, vpc, fmt.Sprintf("the prefix length must be /%d to /%d, got /%d", MinPrefix, MaxPrefix, base.Bits())))
	case !base.Addr().IsPrivate():
		errs = append(errs, field.Invalid(cidr, vpc, "not in a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)"))
	}
	if n := len(zones); n < MinZones || n > MaxZones {
		errs = append(errs, field.Invalid(path.Child("availabilityZones"), zones, fmt.Sprintf("need %d to %d zones, got %d", MinZones, MaxZones, n)))
	}
	return errs
}

// Plan returns the subnets for the VPC CIDR and zones, ordered by tier
// (public, private, database) then by zone order.
func Plan(vpc string, zones []string) ([]Subnet, error) {
	if err := Validate(vpc, zones, field.NewPath("network")).ToAggregate(); err != nil {
		return nil, err
	}
	base := netip.MustParsePrefix(vpc)

	p := base.Bits()
	lastQuarter := nth(base, p+2, 3)
	tierBlock := map[string]netip.Prefix{
		v1alpha1.TierPublic:   nth(lastQuarter, p+4, 0),
		v1alpha1.TierDatabase: nth(lastQuarter, p+4, 1),
	}

	out := make([]Subnet, 0, 3*len(zones))
	for _, tier := range []string{v1alpha1.TierPublic, v1alpha1.TierPrivate, v1alpha1.TierDatabase} {
		for i, z := range zones {
			var c netip.Prefix
			if tier == v1alpha1.TierPrivate {
				c = nth(base, p+2, i)
			} else {
				c = nth(tierBlock[tier], p+6, i)
			}
			out = append(out, Subnet{Tier: tier, Zone: z, CIDR: c})
		}
	}
	return out, nil
}

// nth returns the i-th block of prefix length bits inside parent.
func nth(parent netip.Prefix, bits, i int) netip.Prefix {
	a := parent.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v += uint32(i) << (32 - bits)
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), bits)
}
