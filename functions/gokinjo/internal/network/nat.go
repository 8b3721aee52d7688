package network

import (
	ec2 "github.com/upbound/provider-aws/apis/ec2/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func natComponent(zone string) string { return "nat-gateway-" + naming.ZoneSuffix(zone) }
func eipComponent(zone string) string { return "eip-nat-" + naming.ZoneSuffix(zone) }

// natZones are the zones that get a NAT gateway: the first zone only in
// Single mode (cheap, one zone's outage cuts egress), else every zone.
func (n *network) natZones() []string {
	if n.p.NATGateways == v1alpha1.NATSingle {
		return n.p.AvailabilityZones[:1]
	}
	return n.p.AvailabilityZones
}

// natFor is the zone whose NAT gateway a private subnet of zone routes to.
func (n *network) natFor(zone string) string {
	if n.p.NATGateways == v1alpha1.NATSingle {
		return n.p.AvailabilityZones[0]
	}
	return zone
}

// natGateways composes an Elastic IP and a public NAT gateway per NAT zone.
// A public NAT gateway created before the VPC has an internet gateway
// attached fails for good ("Network vpc-... has no internet gateway
// attached"), so the gateways wait until the internet gateway (attached
// at creation through its vpcId) is observed ready; one that exists stays
// composed whatever the gateway reports.
func (n *network) natGateways() error {
	o := n.p.Owner
	igwReady := n.s.ObservedReady(compIGW)
	for _, z := range n.natZones() {
		eip := &ec2.EIP{Spec: ec2.EIPSpec{
			ResourceSpec: mr.Spec(o),
			ForProvider: ec2.EIPParameters{
				Region: mr.Str(o.Region),
				Domain: mr.Str("vpc"),
				Tags:   naming.Tags(o, LayerName, naming.AWSName(o, "nat", naming.ZoneSuffix(z))),
			},
		}}
		if err := n.s.Add(eipComponent(z), eip, n.labels(eipComponent(z))); err != nil {
			return err
		}
		if !n.s.Sticky(natComponent(z), igwReady) {
			continue
		}
		nat := &ec2.NATGateway{Spec: ec2.NATGatewaySpec{
			ResourceSpec: mr.Spec(o),
			ForProvider: ec2.NATGatewayParameters_2{
				Region:               mr.Str(o.Region),
				ConnectivityType:     mr.Str("public"),
				AllocationIDSelector: mr.Local(eipComponent(z)),
				SubnetIDSelector:     mr.Local(subnetComponent(v1alpha1.TierPublic, z)),
				Tags:                 naming.Tags(o, LayerName, naming.AWSName(o, "nat", naming.ZoneSuffix(z))),
			},
		}}
		if err := n.s.Add(natComponent(z), nat, n.labels(natComponent(z), naming.LabelZone, z)); err != nil {
			return err
		}
	}
	return nil
}
