package environment

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cidrplan"
	"github.com/gokinjo/platform/functions/gokinjo/internal/cluster"
	"github.com/gokinjo/platform/functions/gokinjo/internal/cost"
	"github.com/gokinjo/platform/functions/gokinjo/internal/database"
	"github.com/gokinjo/platform/functions/gokinjo/internal/datalake"
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
	if errs := validation.IsDNS1123Subdomain(r.Owner.ProviderConfigName); len(errs) > 0 {
		return Resolved{}, fmt.Errorf("spec.parameters.providerConfigName: %q is not the name of a ProviderConfig: "+
			"use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (kubectl get providerconfigs.aws.upbound.io lists them)", r.Owner.ProviderConfigName)
	}
	if err := validateRegion(r.Owner.Region, p.Network); err != nil {
		return Resolved{}, err
	}
	r.Network = preset.ResolveNetwork(r.Owner, pre, p.Network)
	if _, err := cidrplan.Plan(r.Network.CIDR, r.Network.AvailabilityZones); err != nil {
		return Resolved{}, fmt.Errorf("spec.parameters.%w", err)
	}
	r.Cluster = preset.ResolveCluster(r.Owner, pre, p.Cluster)
	if err := cluster.ValidateClaim(r.Cluster); err != nil {
		return Resolved{}, err
	}
	r.Database = preset.ResolveDatabase(r.Owner, p.Database, clientSG)
	if err := database.Validate(r.Database, "spec.parameters.database."); err != nil {
		return Resolved{}, err
	}
	// An orphaned database keeps the VPC and subnets it sits in.
	r.Network.RetainOnDelete = r.Database.DeletionProtection
	r.DataLake = preset.ResolveDataLake(r.Owner, p.DataLake, p.Budget)
	// The IRSA policies name the real buckets, suffix included.
	r.Cluster.Buckets = datalake.BucketNames(r.DataLake)
	if err := datalake.ValidateLake(r.DataLake, "spec.parameters.dataLake."); err != nil {
		return Resolved{}, err
	}
	if err := datalake.ValidateBudget(r.DataLake.Budget, "spec.parameters.budget."); err != nil {
		return Resolved{}, err
	}
	return r, nil
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
