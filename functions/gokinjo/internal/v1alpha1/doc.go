// Package v1alpha1 holds the Go shape of the platform.gokinjo.io/v1alpha1
// composite resources: what the function reads from spec.parameters and writes
// to status. The XRDs under apis/ are the source of truth for validation; these
// types mirror them field for field (json names included) so the function never
// walks untyped maps.
package v1alpha1

// Group and Version of every composite resource this package defines.
const (
	Group      = "platform.gokinjo.io"
	Version    = "v1alpha1"
	APIVersion = Group + "/" + Version
)

// Kinds of the composite resources, one per layer.
const (
	KindEnvironment = "XEnvironment"
	KindNetwork     = "XNetwork"
	KindCluster     = "XCluster"
)

// Environment names accepted by the presets.
const (
	EnvDev     = "dev"
	EnvStaging = "staging"
	EnvProd    = "prod"
)
