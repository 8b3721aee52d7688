package rendertree

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestBudgetsCountTheirEnvironment puts the three example environments, as
// converged, into one simulated account and checks each budget against what
// AWS bills: it must count all of its environment's spend, node instances,
// volumes and network interfaces included (they carry only their launch
// template's tags), and none of another environment's.
func TestBudgetsCountTheirEnvironment(t *testing.T) {
	a := NewSimAccount()
	readyAccount(t, a, envs...)
	if len(a.NodeLaunches()) == 0 {
		t.Fatal("the node groups launched nothing: the check proves nothing about node spend")
	}
	if problems := a.BudgetReport(); len(problems) > 0 {
		t.Errorf("budgets and bills disagree (%d):\n%s", len(problems), strings.Join(problems, "\n"))
	}
}

// budgetsApart applies the rendered trees of two claims to one simulated
// account and returns what its budgets get wrong.
func budgetsApart(trees ...[]*unstructured.Unstructured) []string {
	a := NewSimAccount()
	for _, objs := range trees {
		var mrs []*unstructured.Unstructured
		for _, o := range objs {
			if strings.HasSuffix(o.GroupVersionKind().Group, ".aws.upbound.io") {
				c := o.DeepCopy()
				delete(c.Object, "status")
				mrs = append(mrs, c)
			}
		}
		a.ApplyAll("", mrs, compositionResourceName)
	}
	return a.BudgetReport()
}
