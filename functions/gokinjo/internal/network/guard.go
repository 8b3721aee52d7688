package network

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// guardZoneRemoval refuses to drop a zone whose subnets exist: the private
// subnet holds the nodes' and pods' network interfaces, the public one the
// NAT gateway and load balancers, the database one the RDS instance or its
// standby. AWS refuses to delete a subnet with network interfaces in it, so
// removing the zone would leave the deletion retrying forever (and, for the
// database subnet, RDS must first be moved out of it).
func guardZoneRemoval(p v1alpha1.NetworkParameters, s interface{ ObservedExists(string) bool }) error {
	var removed []string
	for _, tier := range []string{v1alpha1.TierPublic, v1alpha1.TierPrivate, v1alpha1.TierDatabase} {
		for _, z := range knownZones(p.Region) {
			if slices.Contains(p.AvailabilityZones, z) {
				continue
			}
			if s.ObservedExists(subnetComponent(tier, z)) && !slices.Contains(removed, z) {
				removed = append(removed, z)
			}
		}
	}
	if len(removed) == 0 {
		return nil
	}
	sort.Strings(removed)
	return fmt.Errorf("spec.parameters.availabilityZones: %s would be removed, but its subnets exist and hold the cluster's nodes and network interfaces, "+
		"the NAT gateway and the database subnet group's subnet; AWS cannot delete a subnet that still has network interfaces: "+
		"keep %s in availabilityZones (now %s), and to leave a zone, drain its nodes and remove it from the database subnet group first (docs/network-layer.md)",
		strings.Join(removed, ", "), strings.Join(removed, ", "), strings.Join(p.AvailabilityZones, ", "))
}

// knownZones are every zone name the region could have: a-z after the region.
func knownZones(region string) []string {
	out := make([]string, 0, 26)
	for c := 'a'; c <= 'z'; c++ {
		out = append(out, region+string(c))
	}
	return out
}
