// Package preset holds the per-environment defaults of the strategy document
// and merges a claim's overrides over them. A preset value is only a default:
// every one of them can be overridden in the claim.
package preset

import (
	"fmt"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// Defaults that do not depend on the environment.
const (
	DefaultRegion             = "ap-northeast-1"
	DefaultCIDR               = "10.0.0.0/16"
	DefaultProviderConfigName = "default"
)

// DefaultKubernetesVersion is in EKS standard support on the date the EKS
// facts were checked (internal/facts/data/eks.yaml).
var DefaultKubernetesVersion = facts.EKS.DefaultVersion

// The public EKS API endpoint is off unless the claim lists the CIDRs that
// may reach it (its offices, the management cluster's egress): there is no
// open default. See docs/cluster-layer.md, "Reaching the cluster".

// DefaultZones are the ap-northeast-1 zones offered to new accounts; 1b is not
// (design brief, decision 10).
var DefaultZones = []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}

// Preset is what an environment name stands for.
type Preset struct {
	Network Network
	Cluster Cluster
}

// Network is the network layer's part of a preset.
type Network struct {
	NATGateways       string
	S3GatewayEndpoint bool
}

// Cluster is the cluster layer's part of a preset: the two managed node
// groups. Desired sizes are initial sizes only (the Cluster Autoscaler owns
// them after creation).
type Cluster struct {
	General NodeGroup
	Compute NodeGroup
	// LogRetentionDays of the EKS control-plane log group (a value
	// CloudWatch Logs accepts).
	LogRetentionDays int
}

// NodeGroup is the preset size of one managed node group.
type NodeGroup struct {
	InstanceType                  string
	MinSize, MaxSize, DesiredSize int
}

// presets follow the strategy: dev and staging save money on one shared NAT
// gateway, prod keeps one per AZ so losing a zone keeps egress alive
// (docs/cost.md: staging's minimum fits its 600-800 USD target only so).
var presets = map[string]Preset{
	// dev: "2 nodes t3.medium". The compute group exists but idles at 0
	// nodes; the autoscaler adds up to 2 when Airflow workers are pending.
	v1alpha1.EnvDev: {
		Network: Network{NATGateways: v1alpha1.NATSingle, S3GatewayEndpoint: true},
		Cluster: Cluster{
			General:          NodeGroup{InstanceType: "t3.medium", MinSize: 2, MaxSize: 5, DesiredSize: 2},
			Compute:          NodeGroup{InstanceType: "c5.xlarge", MinSize: 0, MaxSize: 2, DesiredSize: 0},
			LogRetentionDays: 7,
		},
	},
	// staging: prod's t3.large general nodes, 2 at rest (like prod's general
	// group) with room to grow to 5. The compute group uses prod's instance
	// type, labels and taint (so staging proves prod's scheduling) but idles
	// at 0 like dev's.
	v1alpha1.EnvStaging: {
		Network: Network{NATGateways: v1alpha1.NATSingle, S3GatewayEndpoint: true},
		Cluster: Cluster{
			General:          NodeGroup{InstanceType: "t3.large", MinSize: 2, MaxSize: 5, DesiredSize: 2},
			Compute:          NodeGroup{InstanceType: "c5.xlarge", MinSize: 0, MaxSize: 2, DesiredSize: 0},
			LogRetentionDays: 30,
		},
	},
	// prod: "3-8 nodes, mixed t3.large + c5.xlarge", with the compute group
	// at the strategy's c5.xlarge x 2-4: general 2-4 keeps the total at 4-8
	// nodes (two general nodes so a drain never takes the app down).
	v1alpha1.EnvProd: {
		Network: Network{NATGateways: v1alpha1.NATOnePerAZ, S3GatewayEndpoint: true},
		Cluster: Cluster{
			General: NodeGroup{InstanceType: "t3.large", MinSize: 2, MaxSize: 4, DesiredSize: 2},
			Compute: NodeGroup{InstanceType: "c5.xlarge", MinSize: 2, MaxSize: 4, DesiredSize: 2},
			// As long as the data lake's application logs in prod.
			LogRetentionDays: 90,
		},
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
