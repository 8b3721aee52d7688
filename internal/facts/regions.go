package facts

import "slices"

// RegionFacts: the AWS regions the package may deploy to, their partition and
// their real availability-zone names. Owner: network layer and admission.
type RegionFacts struct {
	Source  Source   `json:"source"`
	Regions []Region `json:"regions"`
	// Partitions maps a partition name (aws, aws-cn, aws-us-gov) to its ARN prefix.
	Partitions map[string]Partition `json:"partitions"`
}

// Region is one AWS region.
type Region struct {
	Name      string `json:"name"`
	Partition string `json:"partition"`
	// Zones are the zone names a new account is offered, in order.
	Zones []string `json:"zones"`
	// NotOffered are zone names that exist but new accounts lack
	// (ap-northeast-1b), so a claim naming one is refused with that reason.
	NotOffered []string `json:"notOffered,omitempty"`
	// EKSUnsupportedZoneIDs cannot host an EKS control plane's subnets. They
	// are zone IDs: which zone name maps to one differs per account.
	EKSUnsupportedZoneIDs []string `json:"eksUnsupportedZoneIds,omitempty"`
	Source                *Source  `json:"source,omitempty"`
}

// Partition is one AWS partition.
type Partition struct {
	ARNPrefix string `json:"arnPrefix"`
	DNSSuffix string `json:"dnsSuffix"`
}

// Regions is loaded from data/regions.yaml.
var Regions = mustLoad[RegionFacts]("regions.yaml")

// Region returns the facts of a region by name.
func (f RegionFacts) Region(name string) (Region, bool) {
	for _, r := range f.Regions {
		if r.Name == name {
			return r, true
		}
	}
	return Region{}, false
}

// Names are the region names, sorted.
func (f RegionFacts) Names() []string {
	var out []string
	for _, r := range f.Regions {
		out = append(out, r.Name)
	}
	slices.Sort(out)
	return out
}

// AllZones are every offered zone name of every region, sorted.
func (f RegionFacts) AllZones() []string {
	var out []string
	for _, r := range f.Regions {
		out = append(out, r.Zones...)
	}
	slices.Sort(out)
	return out
}
