package preset

import (
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// ClusterName is the EKS cluster name of an environment, as the strategy
// names it (gokinjo-<env>).
func ClusterName(env string) string { return "gokinjo-" + env }

// Owner resolves the identity block every nested layer carries.
func Owner(environmentID string, p v1alpha1.EnvironmentParameters) v1alpha1.Owner {
	return v1alpha1.Owner{
		EnvironmentID:      environmentID,
		Environment:        p.Environment,
		Region:             or(p.Region, DefaultRegion),
		ProviderConfigName: or(p.ProviderConfigName, DefaultProviderConfigName),
	}
}

// Network resolves the network layer's parameters: claim override, else
// preset, else package default.
func ResolveNetwork(owner v1alpha1.Owner, pre Preset, o *v1alpha1.NetworkOverrides) v1alpha1.NetworkParameters {
	if o == nil {
		o = &v1alpha1.NetworkOverrides{}
	}
	zones := o.AvailabilityZones
	if len(zones) == 0 {
		zones = DefaultZones
	}
	s3 := pre.Network.S3GatewayEndpoint
	if o.S3GatewayEndpoint != nil {
		s3 = *o.S3GatewayEndpoint
	}
	return v1alpha1.NetworkParameters{
		Owner:             owner,
		CIDR:              or(o.CIDR, DefaultCIDR),
		AvailabilityZones: append([]string(nil), zones...),
		NATGateways:       or(o.NATGateways, pre.Network.NATGateways),
		S3GatewayEndpoint: s3,
		ClusterName:       ClusterName(owner.Environment),
	}
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}
