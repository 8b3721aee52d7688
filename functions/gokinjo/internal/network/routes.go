package network

import (
	ec2 "github.com/upbound/provider-aws/apis/ec2/v1beta1"
	ec2v1beta2 "github.com/upbound/provider-aws/apis/ec2/v1beta2"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

const (
	compRTPublic   = "route-table-public"
	compRTDatabase = "route-table-database"
	anywhere       = "0.0.0.0/0"
)

func privateRTComponent(zone string) string { return "route-table-private-" + naming.ZoneSuffix(zone) }

// routes composes the route tables: one public table with a default route to
// the internet gateway; one private table per zone with a default route to
// its NAT gateway; one database table with no internet route at all.
func (n *network) routes() error {
	if err := n.routeTable(compRTPublic, "public"); err != nil {
		return err
	}
	if err := n.route("route-public-default", compRTPublic, func(p *ec2v1beta2.RouteParameters) {
		p.GatewayIDSelector = mr.Local(compIGW)
	}); err != nil {
		return err
	}
	if err := n.routeTable(compRTDatabase, "database"); err != nil {
		return err
	}
	for _, z := range n.p.AvailabilityZones {
		rt := privateRTComponent(z)
		if err := n.routeTable(rt, "private", naming.ZoneSuffix(z)); err != nil {
			return err
		}
		// Resolved on every reconcile: switching natGateways on an existing
		// network changes which NAT gateway a zone routes to, and a cached
		// id would keep the route on the old (or a deleted) gateway.
		nat := natComponent(n.natFor(z))
		if err := n.route("route-private-"+naming.ZoneSuffix(z)+"-default", rt, func(p *ec2v1beta2.RouteParameters) {
			p.NATGatewayIDSelector = mr.LocalAlways(nat)
		}); err != nil {
			return err
		}
		for tier, table := range map[string]string{
			v1alpha1.TierPublic:   compRTPublic,
			v1alpha1.TierPrivate:  rt,
			v1alpha1.TierDatabase: compRTDatabase,
		} {
			if err := n.association(tier, z, table); err != nil {
				return err
			}
		}
	}
	return nil
}

func (n *network) routeTable(comp string, nameParts ...string) error {
	o := n.p.Owner
	rt := &ec2.RouteTable{Spec: ec2.RouteTableSpec{
		ResourceSpec: mr.Spec(o),
		ForProvider: ec2.RouteTableParameters_2{
			Region:        mr.Str(o.Region),
			VPCIDSelector: mr.Local(compVPC),
			Tags:          naming.Tags(o, LayerName, naming.AWSName(o, append(nameParts, "rt")...)),
		},
	}}
	return n.s.Add(comp, rt, n.labels(comp))
}

func (n *network) route(comp, table string, target func(*ec2v1beta2.RouteParameters)) error {
	p := ec2v1beta2.RouteParameters{
		Region:               mr.Str(n.p.Region),
		DestinationCidrBlock: mr.Str(anywhere),
		RouteTableIDSelector: mr.Local(table),
	}
	target(&p)
	r := &ec2v1beta2.Route{Spec: ec2v1beta2.RouteSpec{ResourceSpec: mr.Spec(n.p.Owner), ForProvider: p}}
	return n.s.Add(comp, r, n.labels(comp))
}

func (n *network) association(tier, zone, table string) error {
	comp := "rta-" + tier + "-" + naming.ZoneSuffix(zone)
	a := &ec2.RouteTableAssociation{Spec: ec2.RouteTableAssociationSpec{
		ResourceSpec: mr.Spec(n.p.Owner),
		ForProvider: ec2.RouteTableAssociationParameters{
			Region:               mr.Str(n.p.Region),
			SubnetIDSelector:     mr.Local(subnetComponent(tier, zone)),
			RouteTableIDSelector: mr.Local(table),
		},
	}}
	return n.s.Add(comp, a, n.labels(comp))
}
