package preset

import (
	"cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// Defaults that depend neither on the environment nor on another value.
const (
	// DefaultAlertEmail receives the budget alerts unless the claim names
	// another address.
	DefaultAlertEmail = "platform-team@gokinjo.example"
	// DefaultAppVersion is the image tag of the API and the frontend unless
	// the claim names another one. Never latest: a tag names one build.
	DefaultAppVersion = "v0.1.0"

	DefaultGlacierAfterDays                = 90
	DefaultNoncurrentVersionExpirationDays = 90
	DefaultImageRetentionCount             = 30
)

// PostgresEngineVersion is the default PostgreSQL minor version: the one the
// RDS facts name (a 15.x minor RDS still creates, with PostGIS 3.3 or later;
// internal/facts/data/rds.yaml, docs/database-layer.md).
var PostgresEngineVersion = facts.RDS.DefaultVersion

// Every resolver has one signature: the owner, the environment's preset and
// the claim's parameters in, the layer's parameters out (claim override,
// else preset, else package default). None validates: each layer validates
// what it is given (its Validate), the environment at the claim's paths.

// ClusterName is the EKS cluster name of an environment (naming.ClusterName:
// unique per claim, docs/naming.md).
func ClusterName(o v1alpha1.Owner) string { return naming.ClusterName(o) }

// AppNamespace is the namespace of the gokinjo workloads in the EKS cluster.
func AppNamespace(env string) string { return "gokinjo-" + env }

// Owner resolves the identity block every nested layer carries.
func Owner(environmentID string, p v1alpha1.EnvironmentParameters) v1alpha1.Owner {
	return v1alpha1.Owner{
		EnvironmentID:      environmentID,
		Environment:        p.Environment,
		Region:             cmp.Or(p.Region, DefaultRegion),
		ProviderConfigName: cmp.Or(p.ProviderConfigName, DefaultProviderConfigName),
	}
}

// ResolveNetwork resolves the network layer's parameters.
func ResolveNetwork(owner v1alpha1.Owner, pre Preset, claim v1alpha1.EnvironmentParameters) v1alpha1.NetworkParameters {
	o := deref(claim.Network)
	zones := o.AvailabilityZones
	if len(zones) == 0 {
		zones = DefaultZones
	}
	return v1alpha1.NetworkParameters{
		Owner:             owner,
		CIDR:              cmp.Or(o.CIDR, DefaultCIDR),
		AvailabilityZones: append([]string(nil), zones...),
		NATGateways:       cmp.Or(o.NATGateways, pre.Network.NATGateways),
		S3GatewayEndpoint: or(o.S3GatewayEndpoint, pre.Network.S3GatewayEndpoint),
		ClusterName:       ClusterName(owner),
	}
}

// ResolveCluster resolves the cluster layer's parameters; access entries are
// on when the claim names an admin principal, unless it turns them off.
func ResolveCluster(owner v1alpha1.Owner, pre Preset, claim v1alpha1.EnvironmentParameters) v1alpha1.ClusterParameters {
	o := deref(claim.Cluster)
	ngo := deref(o.NodeGroups)
	return v1alpha1.ClusterParameters{
		Owner:             owner,
		Name:              ClusterName(owner),
		Version:           cmp.Or(o.Version, DefaultKubernetesVersion),
		SupportType:       cmp.Or(o.SupportType, v1alpha1.SupportStandard),
		PublicAccessCIDRs: append([]string(nil), o.PublicAccessCIDRs...),
		LogRetentionDays:  pre.Cluster.LogRetentionDays,
		AdminPrincipalARN: o.AdminPrincipalARN,
		AccessEntries:     or(o.AccessEntries, o.AdminPrincipalARN != ""),
		AppNamespace:      AppNamespace(owner.Environment),
		NodeGroups: []v1alpha1.NodeGroupParams{
			nodeGroup(v1alpha1.NodeGroupGeneral, pre.Cluster.General, ngo.General),
			nodeGroup(v1alpha1.NodeGroupCompute, pre.Cluster.Compute, ngo.Compute),
		},
	}
}

func nodeGroup(name string, pre NodeGroup, ng *v1alpha1.NodeGroupOverrides) v1alpha1.NodeGroupParams {
	o := deref(ng)
	return v1alpha1.NodeGroupParams{
		Name:         name,
		InstanceType: cmp.Or(o.InstanceType, pre.InstanceType),
		MinSize:      or(o.MinSize, pre.MinSize),
		MaxSize:      or(o.MaxSize, pre.MaxSize),
		DesiredSize:  or(o.DesiredSize, pre.DesiredSize),
	}
}

// ResolveDatabase resolves the database layer's parameters. The client
// security group is not the claim's: the environment sets it once the EKS
// cluster security group is observed.
func ResolveDatabase(owner v1alpha1.Owner, pre Preset, claim v1alpha1.EnvironmentParameters) v1alpha1.DatabaseParameters {
	o, d := deref(claim.Database), pre.Database
	return v1alpha1.DatabaseParameters{
		Owner:               owner,
		EngineVersion:       cmp.Or(o.EngineVersion, PostgresEngineVersion),
		InstanceClass:       cmp.Or(o.InstanceClass, d.InstanceClass),
		AllocatedStorage:    or(o.AllocatedStorage, d.AllocatedStorage),
		MaxAllocatedStorage: or(o.MaxAllocatedStorage, d.MaxAllocatedStorage),
		MultiAZ:             or(o.MultiAZ, d.MultiAZ),
		ReadReplica:         or(o.ReadReplica, d.ReadReplica),
		DeletionProtection:  or(o.DeletionProtection, d.DeletionProtection),
		FinalSnapshot:       ptr(or(o.FinalSnapshot, d.FinalSnapshot)),
		BackupRetentionDays: or(o.BackupRetentionDays, d.BackupRetentionDays),
		LogRetentionDays:    d.LogRetentionDays,
	}
}

// ResolveDataLake resolves the data-lake layer's parameters, the claim's
// budget included.
func ResolveDataLake(owner v1alpha1.Owner, pre Preset, claim v1alpha1.EnvironmentParameters) v1alpha1.DataLakeParameters {
	o, b, d := deref(claim.DataLake), deref(claim.Budget), pre.DataLake
	return v1alpha1.DataLakeParameters{
		Owner:                           owner,
		BucketSuffix:                    o.BucketSuffix,
		Encryption:                      cmp.Or(o.Encryption, v1alpha1.EncryptionAES256),
		IntelligentTieringAfterDays:     or(o.IntelligentTieringAfterDays, d.IntelligentTieringAfterDays),
		GlacierAfterDays:                or(o.GlacierAfterDays, DefaultGlacierAfterDays),
		NoncurrentVersionExpirationDays: or(o.NoncurrentVersionExpirationDays, DefaultNoncurrentVersionExpirationDays),
		RetainOnDelete:                  or(o.RetainOnDelete, d.RetainOnDelete),
		ImageRetentionCount:             or(o.ImageRetentionCount, DefaultImageRetentionCount),
		LogRetentionDays:                or(o.LogRetentionDays, d.LogRetentionDays),
		Budget: v1alpha1.BudgetParameters{
			MonthlyLimitUSD: or(b.MonthlyLimitUSD, d.MonthlyBudgetUSD),
			AlertEmail:      cmp.Or(b.AlertEmail, DefaultAlertEmail),
		},
	}
}

// ResolveWorkloads resolves the workloads layer's parameters. What the other
// layers report (the VPC, the cluster, the database, the repositories and
// buckets) is not the claim's: the environment adds it with
// WorkloadsObserved.Fill as it is observed.
func ResolveWorkloads(owner v1alpha1.Owner, pre Preset, claim v1alpha1.EnvironmentParameters) v1alpha1.WorkloadsParameters {
	o := deref(claim.Workloads)
	version := cmp.Or(o.Version, DefaultAppVersion)
	return v1alpha1.WorkloadsParameters{
		Owner:          owner,
		Namespace:      AppNamespace(owner.Environment),
		ClusterName:    ClusterName(owner),
		Version:        version,
		CertificateARN: o.CertificateARN,
		API:            app(pre.Workloads.API, o.API, version),
		Frontend:       app(pre.Workloads.Frontend, o.Frontend, version),
	}
}

func app(pre App, a *v1alpha1.AppOverrides, version string) v1alpha1.AppParams {
	o := deref(a)
	return v1alpha1.AppParams{
		Image:         o.Image,
		Tag:           cmp.Or(o.Tag, version),
		Replicas:      or(o.Replicas, pre.Replicas),
		MaxReplicas:   or(o.MaxReplicas, pre.MaxReplicas),
		CPURequest:    pre.CPURequest,
		MemoryRequest: pre.MemoryRequest,
		CPULimit:      pre.CPULimit,
		MemoryLimit:   pre.MemoryLimit,
	}
}

// WorkloadsObserved is what the environment has observed of the other
// layers; every field is empty until observed.
type WorkloadsObserved struct {
	Cluster  v1alpha1.ClusterInput
	Database v1alpha1.DBInput
	// Repositories maps an app (api, frontend) to its ECR repository URL.
	Repositories map[string]string
	Buckets      map[string]string
}

// Fill adds what is observed to resolved workloads parameters; an app's
// image named in the claim wins over its observed repository.
func (obs WorkloadsObserved) Fill(p *v1alpha1.WorkloadsParameters) {
	p.Cluster, p.Database, p.Buckets = obs.Cluster, obs.Database, obs.Buckets
	p.API.Image = cmp.Or(p.API.Image, obs.Repositories["api"])
	p.Frontend.Image = cmp.Or(p.Frontend.Image, obs.Repositories["frontend"])
}

// or is the claim's value if it set one (false and 0 included), else def:
// cmp.Or for optional fields whose zero value is a valid choice.
func or[T any](v *T, def T) T {
	if v != nil {
		return *v
	}
	return def
}

// deref is an optional block of the claim, empty when the claim omits it.
func deref[T any](v *T) T {
	if v != nil {
		return *v
	}
	var zero T
	return zero
}

// ptr is a resolved value for a parameter that is optional only for
// composite resources written before it existed.
func ptr[T any](v T) *T { return &v }
