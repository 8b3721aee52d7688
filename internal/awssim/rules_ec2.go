package awssim

import (
	"net/netip"
	"slices"
	"strings"
)

// EC2 rules: a subnet's CIDR lies inside its VPC's and overlaps no other
// subnet of the VPC; its zone is one the region offers (facts.Regions).
func init() { // Rule registration.
	onCreate(gk("ec2", "Subnet"), subnetZone)
	onCreate(gk("ec2", "Subnet"), subnetCIDR)
}

func subnetZone(a *Account, r *Resource) *AWSError {
	u := r.Observed
	zone, reg := fp(u, "availabilityZone"), region(u)
	rf, ok := a.Facts.Regions.Region(reg)
	if !ok {
		return awsErr("ec2-zone", "CreateSubnet", "InvalidParameterValue", "the region %q is not in facts.Regions (internal/facts/data/regions.yaml)", reg)
	}
	if zone == "" {
		return nil // AWS picks one.
	}
	if !slices.Contains(rf.Zones, zone) {
		return awsErr("ec2-zone", "CreateSubnet", "InvalidParameterValue",
			"Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s.",
			zone, strings.Join(rf.Zones, ", "))
	}
	return nil
}

func subnetCIDR(a *Account, r *Resource) *AWSError {
	cidr := fp(r.Observed, "cidrBlock")
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return awsErr("ec2-subnet-cidr", "CreateSubnet", "InvalidParameterValue", "Value (%s) for parameter cidrBlock is invalid. This is not a valid CIDR block.", cidr)
	}
	vpc := a.refTarget(r, "vpcId")
	if vpc == nil {
		return nil // Set without a reference to a VPC the simulator knows.
	}
	vp, err := netip.ParsePrefix(fp(vpc.Observed, "cidrBlock"))
	if err != nil {
		return nil
	}
	if p.Masked() != p || !vp.Contains(p.Addr()) || p.Bits() < vp.Bits() {
		return awsErr("ec2-subnet-cidr", "CreateSubnet", "InvalidSubnet.Range", "The CIDR '%s' is invalid.", cidr)
	}
	for _, o := range a.users(vpc) {
		if o == r || o.Kind != r.Kind || o.State != StateAvailable {
			continue
		}
		op, err := netip.ParsePrefix(fp(o.Observed, "cidrBlock"))
		if err == nil && op.Overlaps(p) {
			return awsErr("ec2-subnet-cidr", "CreateSubnet", "InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another subnet", cidr)
		}
	}
	return nil
}
