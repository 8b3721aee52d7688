package network

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cidrplan"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Validate checks resolved network parameters; path is where they sit in
// the object the user wrote (spec.parameters of an XNetwork,
// spec.parameters.network of an Environment). The XRDs reject most bad input
// at admission; this checks the zones against the region's facts and the
// CIDR against the subnet plan.
func Validate(p v1alpha1.NetworkParameters, path *field.Path) field.ErrorList {
	if p.EnvironmentID == "" || p.Environment == "" || p.Region == "" {
		return field.ErrorList{field.Required(path, "environmentId, environment and region are required")}
	}
	if errs := ValidateRegion(p.Region, path.Child("region")); len(errs) > 0 {
		return errs
	}
	errs := ValidateZones(p.Region, p.AvailabilityZones, path.Child("availabilityZones"))
	errs = append(errs, cidrplan.Validate(p.CIDR, p.AvailabilityZones, path)...)
	if p.NATGateways != v1alpha1.NATSingle && p.NATGateways != v1alpha1.NATOnePerAZ {
		errs = append(errs, field.NotSupported(path.Child("natGateways"), p.NATGateways, []string{v1alpha1.NATSingle, v1alpha1.NATOnePerAZ}))
	}
	return errs
}
