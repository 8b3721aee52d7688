package facts

import (
	"regexp"
	"slices"
	"testing"
)

// zoneName is how AWS writes a zone: the region and one lower-case ASCII letter.
var zoneName = regexp.MustCompile(`^[a-z]{2}-[a-z]+-[0-9][a-z]$`)

func TestRegionFacts(t *testing.T) {
	checkSource(t, "regions.yaml", Regions.Source)
	if _, ok := Regions.Region("ap-northeast-1"); !ok {
		t.Fatal("the default region ap-northeast-1 is missing")
	}
	for _, r := range Regions.Regions {
		if r.Source == nil {
			t.Errorf("region %s has no source", r.Name)
		} else {
			checkSource(t, "region "+r.Name, *r.Source)
		}
		if r.Partition != "aws" {
			t.Errorf("region %s: partition %s; the package builds commercial-partition ARNs only", r.Name, r.Partition)
		}
		if _, ok := Regions.Partitions[r.Partition]; !ok {
			t.Errorf("region %s: unknown partition %s", r.Name, r.Partition)
		}
		if len(r.Zones) < 2 {
			t.Errorf("region %s: a VPC needs at least two zones, facts list %v", r.Name, r.Zones)
		}
		for _, z := range append(append([]string(nil), r.Zones...), r.NotOffered...) {
			if !zoneName.MatchString(z) || z[:len(z)-1] != r.Name {
				t.Errorf("region %s: %q is not a zone name of the region", r.Name, z)
			}
		}
		for _, z := range r.NotOffered {
			if slices.Contains(r.Zones, z) {
				t.Errorf("region %s: %s is both offered and not offered", r.Name, z)
			}
		}
	}
	tokyo, _ := Regions.Region("ap-northeast-1")
	if !slices.Equal(tokyo.Zones, []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}) || !slices.Contains(tokyo.NotOffered, "ap-northeast-1b") {
		t.Errorf("Tokyo zones %v, not offered %v: design decision 10 says a, c, d offered and b not", tokyo.Zones, tokyo.NotOffered)
	}
}
