// Package preset holds the per-environment defaults of the strategy document
// (one literal Preset per environment, mirrored by the README's preset table)
// and merges a claim's overrides over them. A preset value is only a default:
// the claim can override it unless the README table says "(preset)".
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

// Preset is what an environment name stands for: one part per layer.
type Preset struct {
	Network   Network
	Cluster   Cluster
	Database  Database
	DataLake  DataLake
	Workloads Workloads
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

// Database is the database layer's part of a preset.
type Database struct {
	InstanceClass       string
	AllocatedStorage    int
	MaxAllocatedStorage int
	MultiAZ             bool
	ReadReplica         bool
	DeletionProtection  bool
	// FinalSnapshot: a final snapshot when the instance is deleted, its
	// automated backups and KMS key kept; independent of DeletionProtection
	// so that turning protection off to tear an environment down still
	// keeps its data.
	FinalSnapshot       bool
	BackupRetentionDays int
	// LogRetentionDays of the RDS log groups (a CloudWatch retention value).
	LogRetentionDays int
}

// DataLake is the data-lake layer's part of a preset.
type DataLake struct {
	IntelligentTieringAfterDays int
	RetainOnDelete              bool
	LogRetentionDays            int
	MonthlyBudgetUSD            int
}

// Workloads is the workloads layer's part of a preset.
type Workloads struct {
	API, Frontend App
	// ControllerReplicas run of the load balancer controller and the
	// metrics server.
	ControllerReplicas int
	// LogLevel of the app (the ConfigMap's LOG_LEVEL).
	LogLevel string
	// MetricsRetention and MetricsStorage size Prometheus: how long it
	// keeps samples and its volume.
	MetricsRetention, MetricsStorage string
}

// App is the preset of one app deployment: replicas, autoscaling range and
// resources.
type App struct {
	Replicas, MaxReplicas                            int
	CPURequest, MemoryRequest, CPULimit, MemoryLimit string
}

// Presets are the environments, as the strategy describes them; the README's
// "Environment presets" table shows every value (TestREADMETable).
//
//   - Network: dev and staging save money on one shared NAT gateway (staging's
//     minimum fits its 600-800 USD target only so, docs/cost.md), prod keeps
//     one per AZ so losing a zone keeps egress alive.
//   - Database: dev single-AZ db.t3.medium, staging Multi-AZ db.t3.large,
//     prod Multi-AZ with a read replica on db.r6g.large (current-generation
//     Graviton2, 2 vCPU / 16 GiB like the strategy's previous-generation
//     db.r5.large, and cheaper per hour). Log retention follows the data
//     lake's (7, 30, 90 days).
//   - DataLake: dev Standard then Glacier, staging adds Intelligent-Tiering,
//     prod also keeps its buckets when the claim is deleted. Budgets are the
//     strategy's monthly cost targets (upper end).
//   - Workloads: the strategy's manifests: prod runs the API at 2 replicas
//     with 500m/512Mi requests and 1 CPU/1Gi limits, the frontend at 3 (HPA
//     3-10) with 250m/256Mi and 500m/512Mi. Dev runs one of each on half the
//     resources; staging runs prod's resources on fewer replicas. Controllers
//     run two replicas outside dev; prod logs warnings only and keeps 30 days
//     of metrics.
var Presets = map[string]Preset{
	v1alpha1.EnvDev: {
		Network: Network{NATGateways: v1alpha1.NATSingle, S3GatewayEndpoint: true},
		// "2 nodes t3.medium". The compute group exists but idles at 0
		// nodes; the autoscaler adds up to 2 when Airflow workers are pending.
		Cluster: Cluster{
			General:          NodeGroup{InstanceType: "t3.medium", MinSize: 2, MaxSize: 5, DesiredSize: 2},
			Compute:          NodeGroup{InstanceType: "c5.xlarge", MinSize: 0, MaxSize: 2, DesiredSize: 0},
			LogRetentionDays: 7,
		},
		Database: Database{
			InstanceClass: "db.t3.medium", AllocatedStorage: 50, MaxAllocatedStorage: 100,
			BackupRetentionDays: 7, LogRetentionDays: 7,
		},
		DataLake: DataLake{LogRetentionDays: 7, MonthlyBudgetUSD: 500},
		Workloads: Workloads{
			API:                App{Replicas: 1, MaxReplicas: 3, CPURequest: "250m", MemoryRequest: "256Mi", CPULimit: "500m", MemoryLimit: "512Mi"},
			Frontend:           App{Replicas: 1, MaxReplicas: 3, CPURequest: "100m", MemoryRequest: "128Mi", CPULimit: "250m", MemoryLimit: "256Mi"},
			ControllerReplicas: 1, LogLevel: "info", MetricsRetention: "7d", MetricsStorage: "20Gi",
		},
	},
	v1alpha1.EnvStaging: {
		Network: Network{NATGateways: v1alpha1.NATSingle, S3GatewayEndpoint: true},
		// prod's t3.large general nodes, 2 at rest (like prod's general
		// group) with room to grow to 5. The compute group uses prod's
		// instance type, labels and taint (so staging proves prod's
		// scheduling) but idles at 0 like dev's.
		Cluster: Cluster{
			General:          NodeGroup{InstanceType: "t3.large", MinSize: 2, MaxSize: 5, DesiredSize: 2},
			Compute:          NodeGroup{InstanceType: "c5.xlarge", MinSize: 0, MaxSize: 2, DesiredSize: 0},
			LogRetentionDays: 30,
		},
		Database: Database{
			InstanceClass: "db.t3.large", AllocatedStorage: 100, MaxAllocatedStorage: 200,
			MultiAZ: true, BackupRetentionDays: 7, LogRetentionDays: 30,
		},
		DataLake: DataLake{IntelligentTieringAfterDays: 30, LogRetentionDays: 30, MonthlyBudgetUSD: 800},
		Workloads: Workloads{
			API:                App{Replicas: 2, MaxReplicas: 5, CPURequest: "500m", MemoryRequest: "512Mi", CPULimit: "1", MemoryLimit: "1Gi"},
			Frontend:           App{Replicas: 2, MaxReplicas: 6, CPURequest: "250m", MemoryRequest: "256Mi", CPULimit: "500m", MemoryLimit: "512Mi"},
			ControllerReplicas: 2, LogLevel: "info", MetricsRetention: "7d", MetricsStorage: "20Gi",
		},
	},
	v1alpha1.EnvProd: {
		Network: Network{NATGateways: v1alpha1.NATOnePerAZ, S3GatewayEndpoint: true},
		// "3-8 nodes, mixed t3.large + c5.xlarge", with the compute group at
		// the strategy's c5.xlarge x 2-4: general 2-4 keeps the total at 4-8
		// nodes (two general nodes so a drain never takes the app down).
		Cluster: Cluster{
			General: NodeGroup{InstanceType: "t3.large", MinSize: 2, MaxSize: 4, DesiredSize: 2},
			Compute: NodeGroup{InstanceType: "c5.xlarge", MinSize: 2, MaxSize: 4, DesiredSize: 2},
			// As long as the data lake's application logs in prod.
			LogRetentionDays: 90,
		},
		Database: Database{
			InstanceClass: "db.r6g.large", AllocatedStorage: 200, MaxAllocatedStorage: 500,
			MultiAZ: true, ReadReplica: true, DeletionProtection: true, FinalSnapshot: true, BackupRetentionDays: 7, LogRetentionDays: 90,
		},
		DataLake: DataLake{IntelligentTieringAfterDays: 30, RetainOnDelete: true, LogRetentionDays: 90, MonthlyBudgetUSD: 2000},
		Workloads: Workloads{
			API:                App{Replicas: 2, MaxReplicas: 10, CPURequest: "500m", MemoryRequest: "512Mi", CPULimit: "1", MemoryLimit: "1Gi"},
			Frontend:           App{Replicas: 3, MaxReplicas: 10, CPURequest: "250m", MemoryRequest: "256Mi", CPULimit: "500m", MemoryLimit: "512Mi"},
			ControllerReplicas: 2, LogLevel: "warn", MetricsRetention: "30d", MetricsStorage: "100Gi",
		},
	},
}

// For returns the preset of an environment name.
func For(env string) (Preset, error) {
	p, ok := Presets[env]
	if !ok {
		return Preset{}, fmt.Errorf("spec.parameters.environment: unknown environment %q: use one of dev, staging, prod", env)
	}
	return p, nil
}
