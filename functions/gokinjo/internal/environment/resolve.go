package environment

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cluster"
	"github.com/gokinjo/platform/functions/gokinjo/internal/cost"
	"github.com/gokinjo/platform/functions/gokinjo/internal/database"
	"github.com/gokinjo/platform/functions/gokinjo/internal/datalake"
	"github.com/gokinjo/platform/functions/gokinjo/internal/network"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/functions/gokinjo/internal/workloads"
)

// Resolved is every nested layer's parameters, preset merged with the
// claim's overrides and validated: what the environment composes, and what
// its cost is estimated from.
type Resolved struct {
	Owner    v1alpha1.Owner
	Network  v1alpha1.NetworkParameters
	Cluster  v1alpha1.ClusterParameters
	Database v1alpha1.DatabaseParameters
	DataLake v1alpha1.DataLakeParameters
	// Workloads lacks what is observed of the other layers (workloadsLayer
	// adds it).
	Workloads v1alpha1.WorkloadsParameters
}

// Resolve resolves and validates the parameters of every layer of the
// environment named name. clientSG is the EKS cluster security group once
// observed (empty before). cmd/gokinjo-cost calls it too, so the cost table
// and the function resolve presets the same way.
func Resolve(name string, p v1alpha1.EnvironmentParameters, clientSG string) (Resolved, error) {
	return resolve(name, "", p, clientSG)
}

// resolve is Resolve with the environment's name prefix (naming.Prefix;
// empty is the legacy gokinjo-<env>).
func resolve(name, prefix string, p v1alpha1.EnvironmentParameters, clientSG string) (Resolved, error) {
	pre, err := preset.For(p.Environment)
	if err != nil {
		return Resolved{}, err
	}
	r := Resolved{Owner: preset.Owner(name, p)}
	r.Owner.NamePrefix = prefix
	r.Network = preset.ResolveNetwork(r.Owner, pre, p)
	r.Cluster = preset.ResolveCluster(r.Owner, pre, p)
	r.Database = preset.ResolveDatabase(r.Owner, pre, p)
	r.Database.ClientSecurityGroupID = clientSG
	// An orphaned database keeps the VPC and subnets it sits in.
	r.Network.RetainOnDelete = r.Database.DeletionProtection
	r.DataLake = preset.ResolveDataLake(r.Owner, pre, p)
	// The IRSA policies name the real buckets, suffix included.
	r.Cluster.Buckets = datalake.BucketNames(r.DataLake)
	// With SSE-KMS they also grant the KMS actions S3 calls on their behalf.
	r.Cluster.BucketEncryption = r.DataLake.Encryption
	r.Workloads = preset.ResolveWorkloads(r.Owner, pre, p)
	r.Workloads.VPCCIDR = r.Network.CIDR
	if err := r.validate(field.NewPath("spec", "parameters")).ToAggregate(); err != nil {
		return Resolved{}, err
	}
	return r, nil
}

// validate checks every layer's resolved parameters at the claim's paths
// (params is spec.parameters), so that one Fatal names every bad field of
// the claim. The owner comes first: each layer depends on its region.
func (r Resolved) validate(params *field.Path) field.ErrorList {
	var errs field.ErrorList
	if msgs := validation.IsDNS1123Subdomain(r.Owner.ProviderConfigName); len(msgs) > 0 {
		errs = append(errs, field.Invalid(params.Child("providerConfigName"), r.Owner.ProviderConfigName, "not the name of a ProviderConfig: "+
			"use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (kubectl get providerconfigs.aws.upbound.io lists them)"))
	}
	errs = append(errs, network.ValidateRegion(r.Owner.Region, params.Child("region"))...)
	if len(errs) > 0 {
		return errs
	}
	errs = append(errs, network.Validate(r.Network, params.Child("network"))...)
	errs = append(errs, cluster.Validate(r.Cluster, params.Child("cluster"))...)
	errs = append(errs, database.Validate(r.Database, params.Child("database"))...)
	// The claim holds the budget beside its dataLake block, the XDataLake
	// inside it: name the claim's field.
	lake, budget := params.Child("dataLake"), params.Child("budget")
	for _, e := range datalake.Validate(r.DataLake, lake) {
		if rest, ok := strings.CutPrefix(e.Field, lake.Child("budget").String()); ok {
			e.Field = budget.String() + rest
		}
		errs = append(errs, e)
	}
	return append(errs, workloads.Validate(r.Workloads, params.Child("workloads"))...)
}

// CostInput is what the cost model prices: the resolved layers, and what
// the workloads layer makes AWS bill.
func (r Resolved) CostInput() cost.Input {
	return cost.Input{Network: r.Network, Cluster: r.Cluster, Database: r.Database, DataLake: r.DataLake,
		Workloads: WorkloadsCost(r.Network.Environment)}
}

// WorkloadsCost is what the workloads layer of an environment makes AWS
// bill: the one ALB its Ingress creates and the volumes its charts claim.
func WorkloadsCost(env string) *cost.Workloads {
	w := &cost.Workloads{ALBs: 1}
	vols := workloads.Volumes(env)
	for _, name := range []string{"prometheus", "grafana", "airflow-triggerer"} {
		w.Volumes = append(w.Volumes, cost.Volume{Name: name, GiB: vols[name]})
	}
	return w
}

// Enforced reports whether the claim makes its budget a hard limit.
func Enforced(p v1alpha1.EnvironmentParameters) bool {
	return p.Budget != nil && p.Budget.Enforce != nil && *p.Budget.Enforce
}
