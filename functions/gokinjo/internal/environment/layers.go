package environment

import (
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/cost"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Composition resource names of the nested layers.
const (
	compNetwork   = "network"
	compCluster   = "cluster"
	compDatabase  = "database"
	compDataLake  = "datalake"
	compWorkloads = "workloads"
)

// A nestedLayer is one nested XR of the environment. Every loop over the
// layers (compose, status, name prefix, budget) walks nestedLayers, so a new
// layer is one row here plus its package.
type nestedLayer struct {
	comp, kind string
	// params are the layer's resolved parameters.
	params func(e *env) (any, error)
	// status is the field of the environment's status that the layer's
	// observed status is copied to (a pointer to it: nil until observed).
	status func(st *v1alpha1.EnvironmentStatus) any
	// budget is nil for a layer whose cost the budget does not govern.
	budget *budgetRule
	// after, if set, is what the layer needs from the others before its XR
	// is composed: a description and whether it is observed.
	after func(e *env) (what string, observed bool)
}

// composable reports whether the layer's XR is composed: it waits for
// nothing, or what it waits for is observed, or the XR exists already (never
// dropped because an input flickered). Otherwise the environment waits.
func (l nestedLayer) composable(e *env, s *compose.State) bool {
	if l.after == nil {
		return true
	}
	what, observed := l.after(e)
	return s.StickyFor(l.comp, what, observed)
}

// A budgetRule is what the hard budget limit holds of an existing layer.
type budgetRule struct {
	// layer names the layer in the cost estimate.
	layer string
	// observed is where the layer's observed parameters decode into.
	observed func(old *Resolved) any
	// hold keeps the cost-bearing fields of old in cand and says what it kept.
	hold func(old, cand *Resolved) string
}

// nestedLayers are the environment's layers, in the order they are composed.
var nestedLayers = []nestedLayer{
	{
		comp: compNetwork, kind: v1alpha1.KindNetwork,
		params: func(e *env) (any, error) { return e.r.Network, nil },
		status: func(st *v1alpha1.EnvironmentStatus) any { return &st.Network },
		budget: &budgetRule{layer: cost.LayerNetwork, observed: func(old *Resolved) any { return &old.Network }, hold: holdNetwork},
	},
	{
		comp: compCluster, kind: v1alpha1.KindCluster,
		params: func(e *env) (any, error) { return e.r.Cluster, nil },
		status: func(st *v1alpha1.EnvironmentStatus) any { return &st.Cluster },
		budget: &budgetRule{layer: cost.LayerCluster, observed: func(old *Resolved) any { return &old.Cluster }, hold: holdCluster},
	},
	{
		comp: compDatabase, kind: v1alpha1.KindDatabase,
		params: func(e *env) (any, error) { return e.r.Database, nil },
		status: func(st *v1alpha1.EnvironmentStatus) any { return &st.Database },
		budget: &budgetRule{layer: cost.LayerDatabase, observed: func(old *Resolved) any { return &old.Database }, hold: holdDatabase},
	},
	{
		comp: compDataLake, kind: v1alpha1.KindDataLake,
		params: func(e *env) (any, error) { return e.r.DataLake, nil },
		status: func(st *v1alpha1.EnvironmentStatus) any { return &st.DataLake },
		budget: &budgetRule{layer: cost.LayerDataLake, observed: func(old *Resolved) any { return &old.DataLake }, hold: holdDataLake},
	},
	{
		// The workloads layer's cost is its one ALB, whatever its
		// parameters: the budget holds nothing of it.
		comp: compWorkloads, kind: v1alpha1.KindWorkloads,
		params: func(e *env) (any, error) { return e.workloads() },
		status: func(st *v1alpha1.EnvironmentStatus) any { return &st.Workloads },
		// An XWorkloads composes nothing before the cluster's ProviderConfig
		// exists. Composed earlier, it was reconciled on every input the
		// other layers filled in (59 of 285 RunFunction calls in an e2e run,
		// each with three writes of the XR and a reconcile of the
		// environment): composing it later cuts that load on the API server.
		after: func(e *env) (string, bool) {
			return "the workloads layer: the cluster's ProviderConfig (XCluster status.providerConfigName)",
				e.observed.Cluster != nil && e.observed.Cluster.ProviderConfigName != ""
		},
	},
}

// env is one compose call of the environment layer.
type env struct {
	p v1alpha1.EnvironmentParameters
	r Resolved
	// observed is the nested layers' observed status: what they report
	// to each other through the environment.
	observed v1alpha1.EnvironmentStatus
	// workloadsKept is the observed XWorkloads' parameters (zero before it
	// exists): what the other layers reported before.
	workloadsKept v1alpha1.WorkloadsParameters
}

// observedStatuses reads every nested layer's observed status.
func observedStatuses(s *compose.State) (v1alpha1.EnvironmentStatus, error) {
	var st v1alpha1.EnvironmentStatus
	for _, l := range nestedLayers {
		if _, err := s.ObservedInto(l.comp, "status", l.status(&st)); err != nil {
			return st, err
		}
	}
	return st, nil
}

// nested composes a nested XR of a layer with its resolved parameters.
func nested(s *compose.State, comp, kind string, owner v1alpha1.Owner, params any) error {
	content := map[string]any{
		"apiVersion": v1alpha1.APIVersion,
		"kind":       kind,
		"spec":       map[string]any{"parameters": params},
	}
	c, err := compose.ToContent(content)
	if err != nil {
		return err
	}
	return s.AddUnstructured(comp, c, naming.Labels(owner, LayerName, comp))
}
