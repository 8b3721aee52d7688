package awssim

// Egress of a private subnet, as the simulated EC2 routes it: the subnet's
// route table (through its association) has a default route to a NAT
// gateway, and the NAT gateway's subnet has a default route to an internet
// gateway. Pods in the subnet reach public AWS endpoints (ELB, STS, EC2)
// only then: the network has no interface endpoints.

const anywhere = "0.0.0.0/0"

// egress reports whether subnet reaches the internet through a NAT gateway;
// up says whether a resource still works (not deleted, nor being deleted).
func (a *Account) egress(subnet *Resource, up func(*Resource) bool) bool {
	for _, nat := range a.defaultTargets(subnet, "natGatewayId", up) {
		if s := a.refTarget(nat, "subnetId"); s != nil && up(s) && len(a.defaultTargets(s, "gatewayId", up)) > 0 {
			return true
		}
	}
	return false
}

// defaultTargets are the live targets (the reference field of a Route:
// natGatewayId, gatewayId) of the live default routes of subnet's route
// table.
func (a *Account) defaultTargets(subnet *Resource, field string, up func(*Resource) bool) []*Resource {
	var out []*Resource
	for _, assoc := range a.res {
		if assoc.Kind != gk("ec2", "RouteTableAssociation") || !up(assoc) || a.refTarget(assoc, "subnetId") != subnet {
			continue
		}
		table := a.refTarget(assoc, "routeTableId")
		if table == nil || !up(table) {
			continue
		}
		for _, rt := range a.res {
			if rt.Kind != gk("ec2", "Route") || !up(rt) || a.refTarget(rt, "routeTableId") != table || fp(rt.Observed, "destinationCidrBlock") != anywhere {
				continue
			}
			if t := a.refTarget(rt, field); t != nil && up(t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// Egress reports whether a subnet (kind ec2 Subnet, metadata.name) reaches
// the internet through a NAT gateway now.
func (a *Account) Egress(subnet string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.res[key(gk("ec2", "Subnet"), subnet)]
	return s != nil && a.egress(s, func(r *Resource) bool { return r.State == StateAvailable })
}
