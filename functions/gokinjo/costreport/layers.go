package costreport

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cost"
	"github.com/gokinjo/platform/functions/gokinjo/internal/environment"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// A Line is one priced line of an estimate, in USD per month.
type Line struct {
	Layer string  `json:"layer"`
	Name  string  `json:"name"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
}

// Lines prices an environment from its nested XRs (XNetwork, XCluster,
// XDatabase, XDataLake, XWorkloads) as they are observed or desired: their
// spec.parameters are the resolved parameters the environment composed, so
// the same model prices what exists and what a change would make. AWS layers
// not among xrs cost nothing; none at all is an environment that does not
// exist. The workloads layer is priced with every environment, as the
// function's own estimate prices it: its cost (one ALB and what it carries)
// does not depend on its parameters, and its XR is composed only once the
// cluster reports its ProviderConfig, so a new environment's plan has none.
func Lines(xrs []*unstructured.Unstructured) ([]Line, error) {
	var in cost.Input
	var found int
	for _, xr := range xrs {
		var target any
		switch xr.GetKind() {
		case "XNetwork":
			target = &in.Network
		case "XCluster":
			target = &in.Cluster
		case "XDatabase":
			target = &in.Database
		case "XDataLake":
			target = &in.DataLake
		default:
			continue
		}
		params, _, _ := unstructured.NestedMap(xr.Object, "spec", "parameters")
		b, err := json.Marshal(params)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, target); err != nil {
			return nil, fmt.Errorf("%s %s: spec.parameters: %w", xr.GetKind(), xr.GetName(), err)
		}
		found++
	}
	if found == 0 {
		return nil, nil
	}
	if in.Network.Environment == "" {
		// Usage assumptions are per environment; any layer names it.
		in.Network.Environment = firstEnvironment(in)
	}
	in.Workloads = environment.WorkloadsCost(in.Network.Environment)
	prices, err := cost.Default()
	if err != nil {
		return nil, err
	}
	est, err := prices.Estimate(in)
	if err != nil {
		return nil, err
	}
	out := make([]Line, 0, len(est.Items))
	for _, i := range est.Items {
		out = append(out, Line{Layer: i.Layer, Name: i.Name, Min: i.Min, Max: i.Max})
	}
	for _, i := range est.Unpriced {
		out = append(out, Line{Layer: i.Layer, Name: i.Name + " (unpriced, not counted)"})
	}
	return out, nil
}

func firstEnvironment(in cost.Input) string {
	for _, e := range []string{in.Cluster.Environment, in.Database.Environment, in.DataLake.Environment} {
		if e != "" {
			return e
		}
	}
	return v1alpha1.EnvDev
}

// Range prints a monthly lo-hi in whole dollars the way make cost does.
func Range(lo, hi float64) string { return cost.Range(lo, hi) }
