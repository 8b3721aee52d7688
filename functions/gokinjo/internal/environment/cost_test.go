package environment

import (
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/cost"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func withinBudget(xr *compose.XR) *compose.Condition {
	for _, c := range xr.Conditions() {
		if c.Type == ConditionWithinBudget {
			return &c
		}
	}
	return nil
}

// TestBudgetVerdict proves status.cost and the WithinBudget condition on a
// new environment, and the hard limit refusing it before anything exists.
func TestBudgetVerdict(t *testing.T) {
	type want struct {
		err        string
		status     bool
		reason     string
		message    string
		warning    string
		minMax     [2]int
		unpriced   []string
		composed   int // nested XRs on a new environment: the workloads XR waits for the cluster
		enforced   bool
		layerNames []string
	}
	dev := []string{cost.LayerNetwork, cost.LayerCluster, cost.LayerDatabase, cost.LayerDataLake, cost.LayerWorkloads}
	cases := map[string]struct {
		reason string
		params map[string]any
		want   want
	}{
		"Within": {
			reason: "dev under a 1000 USD budget: WithinBudget=True, no warning",
			params: map[string]any{"environment": "dev", "budget": map[string]any{"monthlyLimitUsd": 1000}},
			want: want{status: true, reason: cost.VerdictWithin, message: "estimated 347-798 USD/month fits the budget of 1000 USD",
				minMax: [2]int{347, 798}, composed: 4, layerNames: dev},
		},
		"OverAtMax": {
			reason: "the dev preset's maximum (798) exceeds its 500 USD budget: a warning and WithinBudget=False naming the biggest contributor",
			params: map[string]any{"environment": "dev"},
			want: want{reason: cost.VerdictOverAtMax, message: "biggest contributors: cluster node group compute (c5.xlarge x 0-2) 0-312",
				warning: "over budget: estimated 347-798 USD/month exceeds the budget of 500 USD", minMax: [2]int{347, 798}, composed: 4, layerNames: dev},
		},
		"HardLimitNew": {
			reason: "budget.enforce on a new environment over its budget: refused, nothing composed",
			params: map[string]any{"environment": "dev", "budget": map[string]any{"monthlyLimitUsd": 500, "enforce": true}},
			want:   want{err: "spec.parameters.budget.monthlyLimitUsd: estimated 347-798 USD/month exceeds the budget of 500 USD (OverBudgetAtMax); biggest contributors: cluster node group compute"},
		},
		"HardLimitWithin": {
			reason: "budget.enforce within the budget composes as usual",
			params: map[string]any{"environment": "dev", "budget": map[string]any{"monthlyLimitUsd": 800, "enforce": true}},
			want:   want{status: true, reason: cost.VerdictWithin, message: "fits the budget of 800 USD", minMax: [2]int{347, 798}, composed: 4, enforced: true, layerNames: dev},
		},
		"Unpriced": {
			reason: "an instance type without a price is named in a warning and status, never counted as 0",
			params: map[string]any{"environment": "dev", "budget": map[string]any{"monthlyLimitUsd": 1000},
				"cluster": map[string]any{"nodeGroups": map[string]any{"compute": map[string]any{"instanceType": "c7g.xlarge"}}}},
			want: want{status: true, reason: cost.VerdictWithin, message: "fits", warning: "cost estimate is incomplete: prices.yaml has no price for EC2 instance type c7g.xlarge (node group compute)",
				minMax: [2]int{347, 485}, unpriced: []string{"EC2 instance type c7g.xlarge (node group compute)"}, composed: 4, layerNames: dev},
		},
		"UnpricedEnforced": {
			reason: "the hard limit cannot be enforced on a type without a price: refused",
			params: map[string]any{"environment": "dev", "budget": map[string]any{"monthlyLimitUsd": 1000, "enforce": true},
				"cluster": map[string]any{"nodeGroups": map[string]any{"compute": map[string]any{"instanceType": "c7g.xlarge"}}}},
			want: want{err: "spec.parameters.budget.enforce: cannot enforce the budget: prices.yaml has no price for EC2 instance type c7g.xlarge (node group compute)"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, xr, dxr, err := composeEnv(t, tc.params, nil)
			if tc.want.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want.err) {
					t.Fatalf("%s: want error containing %q, got %v", tc.reason, tc.want.err, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.reason, err)
			}
			if n := len(s.Desired()); n != tc.want.composed {
				t.Errorf("%s: want %d nested XRs, got %d", tc.reason, tc.want.composed, n)
			}
			c := withinBudget(xr)
			if c == nil || c.Status != tc.want.status || c.Reason != tc.want.reason || !strings.Contains(c.Message, tc.want.message) {
				t.Errorf("%s: want WithinBudget=%t %s containing %q, got %+v", tc.reason, tc.want.status, tc.want.reason, tc.want.message, c)
			}
			warnings := strings.Join(xr.Warnings(), "\n")
			if tc.want.warning == "" && warnings != "" {
				t.Errorf("%s: want no warning, got %q", tc.reason, warnings)
			}
			if !strings.Contains(warnings, tc.want.warning) {
				t.Errorf("%s: want a warning containing %q, got %q", tc.reason, tc.want.warning, warnings)
			}
			var st v1alpha1.EnvironmentStatus
			if !compose.NewXR(dxr, dxr).ObservedStatus("cost", &st.Cost) || st.Cost == nil {
				t.Fatalf("%s: status.cost is missing", tc.reason)
			}
			if got := [2]int{st.Cost.MinUSD, st.Cost.MaxUSD}; got != tc.want.minMax {
				t.Errorf("%s: status.cost min/max: want %v, got %v", tc.reason, tc.want.minMax, got)
			}
			if diff := cmp.Diff(tc.want.unpriced, st.Cost.Unpriced); diff != "" {
				t.Errorf("%s: status.cost.unpriced: -want, +got:\n%s", tc.reason, diff)
			}
			var layers []string
			for _, l := range st.Cost.Layers {
				layers = append(layers, l.Name)
			}
			if diff := cmp.Diff(tc.want.layerNames, layers); diff != "" {
				t.Errorf("%s: status.cost.layers: -want, +got:\n%s", tc.reason, diff)
			}
			if st.Cost.Budget.Enforced != tc.want.enforced || st.Cost.Currency != "USD" || st.Cost.PricesDate == "" {
				t.Errorf("%s: status.cost.budget: %+v", tc.reason, st.Cost)
			}
		})
	}
}

// observedFrom turns what a compose desired into what the next reconcile
// observes: the environment exists.
func observedFrom(s *compose.State, only ...string) map[resource.Name]resource.ObservedComposed {
	out := map[resource.Name]resource.ObservedComposed{}
	for name, d := range s.Desired() {
		if len(only) > 0 && !contains(only, string(name)) {
			continue
		}
		o := resource.ObservedComposed{Resource: d.Resource}
		if name == compCluster {
			// An existing cluster layer reports its ProviderConfig.
			o.Resource = d.Resource.DeepCopy()
			_ = o.Resource.SetValue("status.providerConfigName", "gokinjo-dev")
		}
		out[name] = o
	}
	return out
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}

// TestHardLimitExistingEnvironment proves that on an environment that
// exists the hard limit never removes anything: every observed nested XR
// stays desired, layers a change would make dearer keep their observed
// sizes, cheaper changes go through, and no new layer is created.
func TestHardLimitExistingEnvironment(t *testing.T) {
	// s0 is an environment with every layer: its cluster reported the
	// ProviderConfig, so the workloads XR is composed too.
	reported := map[resource.Name]resource.ObservedComposed{
		compCluster: observedXR(t, v1alpha1.KindCluster, map[string]any{"providerConfigName": "gokinjo-dev"}),
	}
	s0, _, _, err := composeEnv(t, map[string]any{"environment": "dev"}, reported)
	if err != nil {
		t.Fatal(err)
	}
	grow := map[string]any{
		"environment": "dev",
		"budget":      map[string]any{"monthlyLimitUsd": 600, "enforce": true},
		"database":    map[string]any{"instanceClass": "db.r6g.large", "multiAz": true},
		"cluster":     map[string]any{"nodeGroups": map[string]any{"general": map[string]any{"maxSize": 8}}},
		"dataLake":    map[string]any{"logRetentionDays": 1},
	}
	devGroups := []v1alpha1.NodeGroupParams{
		{Name: "general", InstanceType: "t3.medium", MinSize: 2, MaxSize: 5, DesiredSize: 2},
		{Name: "compute", InstanceType: "c5.xlarge", MinSize: 0, MaxSize: 2, DesiredSize: 0},
	}
	cases := map[string]struct {
		reason      string
		observed    map[resource.Name]resource.ObservedComposed
		params      map[string]any
		wantNested  []string
		wantClass   string
		wantGroups  []v1alpha1.NodeGroupParams
		wantLogDays int
		wantHeld    []string
		wantReason  string
	}{
		"GrowthHeld": {
			reason:      "over the hard limit: database and node groups keep their existing sizes; the cheaper log retention goes through; nothing is dropped",
			observed:    observedFrom(s0),
			params:      grow,
			wantNested:  []string{compCluster, compDatabase, compDataLake, compNetwork, compWorkloads},
			wantClass:   "db.t3.medium",
			wantGroups:  devGroups,
			wantLogDays: 1,
			wantHeld: []string{
				"cluster node groups general t3.medium x 2-5, compute c5.xlarge x 0-2",
				"database db.t3.medium multiAz=false readReplica=false 50-100 GiB",
			},
			wantReason: ReasonHardLimitHeld,
		},
		"NoNewLayer": {
			reason:   "layers not yet observed on an existing environment are additions: not created; those observed are kept",
			observed: observedFrom(s0, compNetwork, compCluster),
			params:   grow,
			// The hard limit holds back the AWS layers a claim sizes; the
			// workloads layer (the app; its one ALB is a fixed cost) is not
			// held.
			wantNested: []string{compCluster, compNetwork, compWorkloads},
			wantGroups: devGroups,
			wantHeld: []string{
				"cluster node groups general t3.medium x 2-5, compute c5.xlarge x 0-2",
				"database layer not created",
				"dataLake layer not created",
			},
			wantReason: ReasonHardLimitHeld,
		},
		"WithinLimit": {
			reason:      "a raised limit lets the growth through",
			observed:    observedFrom(s0),
			params:      map[string]any{"environment": "dev", "budget": map[string]any{"monthlyLimitUsd": 5000, "enforce": true}, "database": map[string]any{"instanceClass": "db.r6g.large"}},
			wantNested:  []string{compCluster, compDatabase, compDataLake, compNetwork, compWorkloads},
			wantClass:   "db.r6g.large",
			wantGroups:  devGroups,
			wantLogDays: 7,
			wantReason:  cost.VerdictWithin,
		},
		"NotEnforced": {
			reason:      "without enforce, growth over budget only warns",
			observed:    observedFrom(s0),
			params:      map[string]any{"environment": "dev", "database": map[string]any{"instanceClass": "db.r6g.large"}},
			wantNested:  []string{compCluster, compDatabase, compDataLake, compNetwork, compWorkloads},
			wantClass:   "db.r6g.large",
			wantGroups:  devGroups,
			wantLogDays: 7,
			wantReason:  cost.VerdictOverAtMax,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, xr, dxr, err := composeEnv(t, tc.params, tc.observed)
			if err != nil {
				t.Fatalf("%s: an existing environment is never refused for cost: %v", tc.reason, err)
			}
			if err := s.GuardStateful(); err != nil {
				t.Errorf("%s: %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.wantNested, s.Names()); diff != "" {
				t.Errorf("%s: nested XRs: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.wantGroups, nestedParams[v1alpha1.ClusterParameters](t, s, compCluster).NodeGroups); diff != "" {
				t.Errorf("%s: node groups: -want, +got:\n%s", tc.reason, diff)
			}
			if tc.wantClass != "" {
				if got := nestedParams[v1alpha1.DatabaseParameters](t, s, compDatabase).InstanceClass; got != tc.wantClass {
					t.Errorf("%s: instance class: want %s, got %s", tc.reason, tc.wantClass, got)
				}
			}
			if tc.wantLogDays != 0 {
				if got := nestedParams[v1alpha1.DataLakeParameters](t, s, compDataLake).LogRetentionDays; got != tc.wantLogDays {
					t.Errorf("%s: log retention: want %d, got %d", tc.reason, tc.wantLogDays, got)
				}
			}
			var st v1alpha1.CostStatus
			compose.NewXR(dxr, dxr).ObservedStatus("cost", &st)
			if diff := cmp.Diff(tc.wantHeld, st.Budget.Held); diff != "" {
				t.Errorf("%s: status.cost.budget.held: -want, +got:\n%s", tc.reason, diff)
			}
			if c := withinBudget(xr); c == nil || c.Reason != tc.wantReason {
				t.Errorf("%s: want WithinBudget reason %s, got %+v", tc.reason, tc.wantReason, c)
			}
		})
	}
}
