package environment

import (
	"fmt"
	"strings"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/cost"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// ConditionWithinBudget is the condition the environment sets on itself and
// its claim: True when the estimate's maximum fits the budget.
const ConditionWithinBudget = "WithinBudget"

// Reasons of the WithinBudget condition besides the cost verdicts.
const (
	ReasonHardLimitHeld = "HardLimitHeld"
	ReasonUnpriced      = "Unpriced"
)

// budget is the outcome of the budget check.
type budget struct {
	status *v1alpha1.CostStatus
	// skip names nested XRs the hard limit does not create.
	skip map[string]bool
}

// checkBudget estimates the environment's monthly cost from the resolved
// parameters and judges it against the budget. Over budget is a warning and
// WithinBudget=False. With budget.enforce it is a refusal: a new
// environment (no nested XR observed) gets an error, so nothing is created;
// an existing one keeps the existing sizes of every layer the change would
// make dearer (r is changed in place) and creates no new AWS layer (the
// workloads layer, priced in every estimate, is not held). Nothing that
// exists is ever dropped for cost.
func checkBudget(xr *compose.XR, s *compose.State, p v1alpha1.EnvironmentParameters, r *Resolved) (budget, error) {
	out := budget{skip: map[string]bool{}}
	prices, err := cost.Default()
	if err != nil {
		return out, err
	}
	est, err := prices.Estimate(r.CostInput())
	if err != nil {
		return out, err
	}
	limit := r.DataLake.Budget.MonthlyLimitUSD
	j := cost.Judge(est, limit)
	enforce := Enforced(p)
	requested := j
	var held []string
	if enforce && (!j.Within || len(est.Unpriced) > 0) {
		if !existing(s) {
			if len(est.Unpriced) > 0 {
				return out, fmt.Errorf("spec.parameters.budget.enforce: cannot enforce the budget: prices.yaml has no price for %s: "+
					"use a priced type, or set budget.enforce false", strings.Join(est.UnpricedNames(), ", "))
			}
			return out, fmt.Errorf("spec.parameters.budget.monthlyLimitUsd: %s; budget.enforce is true, so nothing is created: "+
				"raise budget.monthlyLimitUsd, shrink the biggest contributors, or set budget.enforce false", j.Message())
		}
		if held, err = hold(s, prices, r, out.skip); err != nil {
			return out, err
		}
		if est, err = prices.Estimate(r.CostInput()); err != nil {
			return out, err
		}
		j = cost.Judge(est, limit)
	}
	out.status = costStatus(prices, est, j, enforce, held)

	switch {
	case len(held) > 0:
		msg := fmt.Sprintf("budget.enforce: the requested change would cost %s USD/month against a budget of %d USD; "+
			"kept as they exist: %s; estimate now %s USD/month",
			cost.Range(requested.Min, requested.Max), limit, strings.Join(held, "; "), cost.Range(j.Min, j.Max))
		xr.Warn(msg)
		xr.SetCondition(compose.Condition{Type: ConditionWithinBudget, Status: false, Reason: ReasonHardLimitHeld, Message: msg})
	case !j.Within:
		xr.Warn("over budget: " + j.Message())
		xr.SetCondition(compose.Condition{Type: ConditionWithinBudget, Status: false, Reason: j.Verdict, Message: j.Message()})
	default:
		xr.SetCondition(compose.Condition{Type: ConditionWithinBudget, Status: true, Reason: j.Verdict, Message: j.Message()})
	}
	if len(est.Unpriced) > 0 {
		xr.Warn("cost estimate is incomplete: prices.yaml has no price for " + strings.Join(est.UnpricedNames(), ", "))
	}
	return out, nil
}

// existing reports whether any nested layer the budget governs is observed.
func existing(s *compose.State) bool {
	for _, l := range nestedLayers {
		if l.budget != nil && s.ObservedExists(l.comp) {
			return true
		}
	}
	return false
}

// hold keeps, for every observed layer the requested change makes dearer,
// the cost-bearing fields of its observed parameters, and marks unobserved
// layers as not to be created. It returns what it held.
func hold(s *compose.State, prices *cost.Prices, r *Resolved, skip map[string]bool) ([]string, error) {
	var held []string
	for _, l := range nestedLayers {
		if l.budget == nil {
			continue
		}
		// Decode into zero values: decoding into a copy of r would write
		// through the slices it shares with r.
		var old Resolved
		ok, err := s.ObservedInto(l.comp, "spec.parameters", l.budget.observed(&old))
		if err != nil {
			return nil, err
		}
		if !ok {
			if !s.ObservedExists(l.comp) {
				skip[l.comp] = true
				held = append(held, l.budget.layer+" layer not created")
			}
			continue
		}
		cand := *r
		what := l.budget.hold(&old, &cand)
		dearer, err := dearer(prices, *r, cand, l.budget.layer)
		if err != nil {
			return nil, err
		}
		if dearer {
			*r = cand
			held = append(held, what)
		}
	}
	return held, nil
}

// What the hard limit holds of each layer: it keeps the cost-bearing fields
// of the observed parameters (old) in the candidate c, and says what it kept.

func holdNetwork(old, c *Resolved) string {
	c.Network.NATGateways, c.Network.AvailabilityZones = old.Network.NATGateways, old.Network.AvailabilityZones
	return fmt.Sprintf("network natGateways %s over %d zones", c.Network.NATGateways, len(c.Network.AvailabilityZones))
}

func holdCluster(old, c *Resolved) string {
	c.Cluster.NodeGroups = old.Cluster.NodeGroups
	var g []string
	for _, n := range c.Cluster.NodeGroups {
		g = append(g, fmt.Sprintf("%s %s x %d-%d", n.Name, n.InstanceType, n.MinSize, n.MaxSize))
	}
	return "cluster node groups " + strings.Join(g, ", ")
}

func holdDatabase(old, c *Resolved) string {
	o := old.Database
	c.Database.InstanceClass, c.Database.MultiAZ, c.Database.ReadReplica = o.InstanceClass, o.MultiAZ, o.ReadReplica
	c.Database.AllocatedStorage, c.Database.MaxAllocatedStorage = o.AllocatedStorage, o.MaxAllocatedStorage
	return fmt.Sprintf("database %s multiAz=%t readReplica=%t %d-%d GiB", o.InstanceClass, o.MultiAZ, o.ReadReplica, o.AllocatedStorage, o.MaxAllocatedStorage)
}

func holdDataLake(old, c *Resolved) string {
	o := old.DataLake
	c.DataLake.Encryption, c.DataLake.LogRetentionDays, c.DataLake.ImageRetentionCount = o.Encryption, o.LogRetentionDays, o.ImageRetentionCount
	c.DataLake.IntelligentTieringAfterDays, c.DataLake.GlacierAfterDays = o.IntelligentTieringAfterDays, o.GlacierAfterDays
	return fmt.Sprintf("dataLake encryption %s, logs %d days, tiering at %d, Glacier at %d days", o.Encryption, o.LogRetentionDays, o.IntelligentTieringAfterDays, o.GlacierAfterDays)
}

// dearer reports whether layer costs more (or has more unpriced items) in
// want than in have.
func dearer(prices *cost.Prices, want, have Resolved, layer string) (bool, error) {
	we, err := prices.Estimate(want.CostInput())
	if err != nil {
		return false, err
	}
	he, err := prices.Estimate(have.CostInput())
	if err != nil {
		return false, err
	}
	_, wHi, _ := we.Layer(layer)
	_, hHi, _ := he.Layer(layer)
	return wHi > hHi+0.005 || we.UnpricedIn(layer) > he.UnpricedIn(layer), nil
}

// costStatus is status.cost.
func costStatus(prices *cost.Prices, est cost.Estimate, j cost.Judgement, enforce bool, held []string) *v1alpha1.CostStatus {
	st := &v1alpha1.CostStatus{
		Currency: prices.Currency, PricesDate: prices.Date,
		MinUSD: cost.USD(j.Min), MaxUSD: cost.USD(j.Max),
		Budget:   v1alpha1.BudgetVerdictStatus{MonthlyLimitUSD: j.Budget, Enforced: enforce, Verdict: j.Verdict, TopContributors: j.Top, Held: held},
		Unpriced: est.UnpricedNames(),
	}
	for _, name := range cost.Layers {
		if lo, hi, ok := est.Layer(name); ok {
			st.Layers = append(st.Layers, v1alpha1.LayerCostStatus{Name: name, MinUSD: cost.USD(lo), MaxUSD: cost.USD(hi)})
		}
	}
	return st
}
