package network

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gokinjo/platform/internal/facts"
)

// ValidateRegion refuses a region the package does not deploy to: only
// regions of the commercial partition (aws) are listed in the facts, because
// every ARN the package builds starts with arn:aws:. path is the region
// field in the object the user wrote.
func ValidateRegion(region string, path *field.Path) field.ErrorList {
	r, ok := facts.Regions.Region(region)
	if !ok {
		return field.ErrorList{field.Invalid(path, region, fmt.Sprintf("not a region this platform deploys to: use one of %s "+
			"(regions outside the commercial aws partition, such as aws-cn and aws-us-gov, are not supported)",
			strings.Join(facts.Regions.Names(), ", ")))}
	}
	if r.Partition != "aws" {
		return field.ErrorList{field.Invalid(path, region, fmt.Sprintf("in the %s partition; the platform builds ARNs for the commercial aws partition only", r.Partition))}
	}
	return nil
}

// ValidateZones checks zone names against the region's facts: each must be
// written exactly as AWS writes it (the region and one lower-case ASCII
// letter; the XRD's CEL rule says the same, byte for byte), offered to new
// accounts, and listed once. path is the zone list in the object the user
// wrote; the region must be valid (ValidateRegion).
func ValidateZones(region string, zones []string, path *field.Path) field.ErrorList {
	r, ok := facts.Regions.Region(region)
	if !ok {
		return nil
	}
	use := "use " + strings.Join(r.Zones, ", ")
	if len(zones) > 0 && !slices.ContainsFunc(zones, func(z string) bool { return strings.HasPrefix(z, region) }) {
		// Another region's zones, such as the Tokyo defaults: one error.
		return field.ErrorList{field.Invalid(path, zones, fmt.Sprintf("none is a zone of region %s: list the region's zones, %s", region, use))}
	}
	var errs field.ErrorList
	for i, z := range zones {
		at := path.Index(i)
		switch {
		case !strings.HasPrefix(z, region):
			errs = append(errs, field.Invalid(at, z, fmt.Sprintf("not a zone of region %s: %s", region, use)))
		case !wellFormed(region, z):
			errs = append(errs, field.Invalid(at, z, fmt.Sprintf("not written as a zone of region %s: a zone name is the region followed by one lower-case letter, for example %s", region, r.Zones[0])))
		case slices.Contains(r.NotOffered, z):
			errs = append(errs, field.Invalid(at, z, "not offered to new AWS accounts: "+use))
		case !slices.Contains(r.Zones, z):
			errs = append(errs, field.Invalid(at, z, fmt.Sprintf("not a zone of region %s: %s", region, use)))
		case slices.Contains(zones[:i], z):
			errs = append(errs, field.Duplicate(at, z))
		}
	}
	return errs
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
