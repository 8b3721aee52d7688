package network

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gokinjo/platform/internal/facts"
)

// ValidateRegion refuses a region the package does not deploy to: only
// regions of the commercial partition (aws) are listed in the facts, because
// every ARN the package builds starts with arn:aws:. field is the path of the
// region field in the object the user wrote.
func ValidateRegion(region, field string) error {
	r, ok := facts.Regions.Region(region)
	if !ok {
		return fmt.Errorf("%s: %q is not a region this platform deploys to: use one of %s "+
			"(regions outside the commercial aws partition, such as aws-cn and aws-us-gov, are not supported)",
			field, region, strings.Join(facts.Regions.Names(), ", "))
	}
	if r.Partition != "aws" {
		return fmt.Errorf("%s: %s is in the %s partition; the platform builds ARNs for the commercial aws partition only", field, region, r.Partition)
	}
	return nil
}

// ValidateZones checks zone names against the region's facts: each must be
// written exactly as AWS writes it (the region and one lower-case ASCII
// letter; the XRD's CEL rule says the same, byte for byte), offered to new
// accounts, and listed once. field is the path of the zones in the object the
// user wrote.
func ValidateZones(region string, zones []string, field string) error {
	r, ok := facts.Regions.Region(region)
	if !ok {
		return ValidateRegion(region, field)
	}
	for i, z := range zones {
		if !strings.HasPrefix(z, region) {
			return fmt.Errorf("%s: %q is not a zone of region %s: use %s", field, z, region, strings.Join(r.Zones, ", "))
		}
		if !wellFormed(region, z) {
			return fmt.Errorf("%s: %q is not written as a zone of region %s: a zone name is the region followed by one lower-case letter, for example %s", field, z, region, r.Zones[0])
		}
		if slices.Contains(r.NotOffered, z) {
			return fmt.Errorf("%s: %s is not offered to new AWS accounts: use %s", field, z, strings.Join(r.Zones, ", "))
		}
		if !slices.Contains(r.Zones, z) {
			return fmt.Errorf("%s: %s is not a zone of region %s: use %s", field, z, region, strings.Join(r.Zones, ", "))
		}
		if slices.Contains(zones[i+1:], z) {
			return fmt.Errorf("%s: %q is listed twice: list each zone once", field, z)
		}
	}
	return nil
}

// wellFormed is the byte-level rule the XRD's CEL expresses with
// z.startsWith(region) && size(z) == size(region) + 1 && z.matches('[a-z]$'):
// CEL's size counts code points, Go's len counts bytes, and both agree here
// only because the last character must be ASCII; a non-ASCII letter fails both.
func wellFormed(region, z string) bool {
	if len(z) != len(region)+1 || !strings.HasPrefix(z, region) {
		return false
	}
	c := z[len(z)-1]
	return c >= 'a' && c <= 'z'
}
