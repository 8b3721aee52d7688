// Package preset holds the per-environment defaults of the strategy document
// and merges a claim's overrides over them. A preset value is only a default:
// every one of them can be overridden in the claim.
package preset

import (
	"fmt"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Defaults that do not depend on the environment.
const (
	DefaultRegion             = "ap-northeast-1"
	DefaultCIDR               = "10.0.0.0/16"
	DefaultProviderConfigName = "default"
)

// DefaultZones are the ap-northeast-1 zones offered to new accounts; 1b is not
// (design brief, decision 10).
var DefaultZones = []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}

// Preset is what an environment name stands for.
type Preset struct {
	Network Network
}

// Network is the network layer's part of a preset.
type Network struct {
	NATGateways       string
	S3GatewayEndpoint bool
}

// presets follow the strategy: dev saves money on one shared NAT gateway,
// staging and prod keep one per AZ so losing a zone keeps egress alive.
var presets = map[string]Preset{
	v1alpha1.EnvDev: {
		Network: Network{NATGateways: v1alpha1.NATSingle, S3GatewayEndpoint: true},
	},
	v1alpha1.EnvStaging: {
		Network: Network{NATGateways: v1alpha1.NATOnePerAZ, S3GatewayEndpoint: true},
	},
	v1alpha1.EnvProd: {
		Network: Network{NATGateways: v1alpha1.NATOnePerAZ, S3GatewayEndpoint: true},
	},
}

// For returns the preset of an environment name.
func For(env string) (Preset, error) {
	p, ok := presets[env]
	if !ok {
		return Preset{}, fmt.Errorf("spec.parameters.environment: unknown environment %q: use one of dev, staging, prod", env)
	}
	return p, nil
}
