package network

import (
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// status reports the plan and, as they are observed, the AWS ids.
func (n *network) status() v1alpha1.NetworkStatus {
	st := v1alpha1.NetworkStatus{
		VPCID: n.s.ObservedString(compVPC, "status.atProvider.id"),
		CIDR:  n.p.CIDR,
	}
	for _, sn := range n.subnets {
		id := n.s.ObservedString(subnetComponent(sn.Tier, sn.Zone), "status.atProvider.id")
		st.Subnets = append(st.Subnets, v1alpha1.SubnetStatus{Tier: sn.Tier, Zone: sn.Zone, CIDR: sn.CIDR.String(), ID: id})
		if id == "" {
			continue
		}
		switch sn.Tier {
		case v1alpha1.TierPublic:
			st.PublicSubnetIDs = append(st.PublicSubnetIDs, id)
		case v1alpha1.TierPrivate:
			st.PrivateSubnetIDs = append(st.PrivateSubnetIDs, id)
		case v1alpha1.TierDatabase:
			st.DatabaseSubnetIDs = append(st.DatabaseSubnetIDs, id)
		}
	}
	for _, z := range n.natZones() {
		if id := n.s.ObservedString(natComponent(z), "status.atProvider.id"); id != "" {
			st.NATGatewayIDs = append(st.NATGatewayIDs, id)
		}
	}
	return st
}
