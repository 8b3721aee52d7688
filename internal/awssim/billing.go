package awssim

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/internal/facts"
)

// A Bill is something AWS bills in the account, with the tags Cost
// Explorer and AWS Budgets see on it. Environment is the environment-id
// label of the managed resource it is (or that launched it), so tests can
// tell whose spend it is.
type Bill struct {
	What        string
	Environment string
	Tags        map[string]string
}

// billedKinds are the managed kinds the package composes that AWS bills for
// by themselves (the cost model's items): a node group is free, its
// instances are not. What in-cluster controllers create (the ALB, EBS
// persistent volumes) is not listed: the simulator does not model their
// tags (README).
var billedKinds = map[schema.GroupKind]bool{
	gk("eks", "Cluster"):          true,
	gk("ec2", "NATGateway"):       true,
	gk("ec2", "EIP"):              true,
	gk("rds", "Instance"):         true,
	gk("s3", "Bucket"):            true,
	gk("kms", "Key"):              true,
	gk("cloudwatchlogs", "Group"): true,
	gk("ecr", "Repository"):       true,
}

// Bills lists what AWS bills in the account: every live managed resource of
// a billed kind, with its tags, and what the node groups launched
// (NodeLaunches).
func (a *Account) Bills() []Bill {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []Bill
	for _, r := range a.res {
		if !r.inAWS() || !billedKinds[r.Kind] {
			continue
		}
		tags, _, _ := unstructured.NestedStringMap(r.Observed.Object, "spec", "forProvider", "tags")
		out = append(out, Bill{What: r.Kind.Kind + " " + r.ExternalName(), Environment: envOf(r.Observed), Tags: tags})
	}
	out = append(out, a.nodeLaunches()...)
	sort.Slice(out, func(i, j int) bool { return out[i].What < out[j].What })
	return out
}

// NodeLaunches are the EC2 instances, root volumes and network interfaces
// the managed node groups launched: desiredSize of each. SIMULATED EKS: a
// node group's own tags are not copied to them (aws/containers-roadmap#608);
// they carry only the tags of their resource type in the tag
// specifications of the node group's launch template (the version it
// names), besides EKS's own eks:* and kubernetes.io/cluster tags.
func (a *Account) NodeLaunches() []Bill {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.nodeLaunches()
}

func (a *Account) nodeLaunches() []Bill {
	var out []Bill
	for _, r := range a.res {
		if r.Kind != gk("eks", "NodeGroup") || r.State != StateAvailable {
			continue
		}
		var size float64
		if sc, ok, _ := unstructured.NestedSlice(r.Observed.Object, "status", "atProvider", "scalingConfig"); ok && len(sc) > 0 {
			if m, ok := sc[0].(map[string]any); ok {
				size, _ = m["desiredSize"].(float64)
				if i, ok := m["desiredSize"].(int64); ok {
					size = float64(i)
				}
			}
		}
		byType := map[string]map[string]string{}
		if lt := a.launchTemplateOf(r); lt != nil {
			specs, _, _ := unstructured.NestedSlice(lt.Observed.Object, "spec", "forProvider", "tagSpecifications")
			for _, s := range specs {
				m, _ := s.(map[string]any)
				rt, _ := m["resourceType"].(string)
				tags := map[string]string{}
				if t, ok := m["tags"].(map[string]any); ok {
					for k, v := range t {
						tags[k], _ = v.(string)
					}
				}
				byType[rt] = tags
			}
		}
		cluster := fp(r.Observed, "clusterName")
		for i := 0; i < int(size); i++ {
			for _, rt := range []string{"instance", "volume", "network-interface"} {
				tags := map[string]string{"eks:cluster-name": cluster, "eks:nodegroup-name": r.ExternalName(), "kubernetes.io/cluster/" + cluster: "owned"}
				for k, v := range byType[rt] {
					tags[k] = v
				}
				out = append(out, Bill{What: fmt.Sprintf("%s %d of node group %s", rt, i+1, r.ExternalName()), Environment: envOf(r.Observed), Tags: tags})
			}
		}
	}
	return out
}

// launchTemplateOf is the launch template a node group names by id (or
// name), or nil.
func (a *Account) launchTemplateOf(ng *Resource) *Resource {
	var id, name string
	if lt, ok, _ := unstructured.NestedSlice(ng.Observed.Object, "spec", "forProvider", "launchTemplate"); ok && len(lt) > 0 {
		m, _ := lt[0].(map[string]any)
		id, _ = m["id"].(string)
		name, _ = m["name"].(string)
	}
	for _, r := range a.res {
		if r.Kind != gk("ec2", "LaunchTemplate") || !r.inAWS() {
			continue
		}
		if (id != "" && r.ExternalName() == id) || (name != "" && fp(r.Observed, "name") == name) {
			return r
		}
	}
	return nil
}

// BudgetCounts reports whether a budget counts spend with these tags.
// SIMULATED AWS Budgets: a COST budget with TagKeyValue cost filters counts
// spend carrying one of the filter's user:<key>$<value> pairs (an activated
// cost allocation tag; activation is an account setting the simulator takes
// as done); a budget without filters counts everything.
func BudgetCounts(budget *unstructured.Unstructured, tags map[string]string) bool {
	filters, _, _ := unstructured.NestedSlice(budget.Object, "spec", "forProvider", "costFilter")
	for _, f := range filters {
		m, _ := f.(map[string]any)
		if m["name"] != "TagKeyValue" {
			continue
		}
		values, _ := m["values"].([]any)
		match := false
		for _, v := range values {
			s, _ := v.(string)
			for k, tv := range tags {
				if s == facts.Billing.TagKeyValue(k, tv) {
					match = true
				}
			}
		}
		if !match {
			return false
		}
	}
	return true
}

// BudgetReport checks every budget of the account against what AWS bills:
// it names spend of the budget's environment the budget does not count
// (its alerts fire late or never) and spend of another environment it does
// count (one claim's budget alarms on another's spend).
func (a *Account) BudgetReport() []string {
	bills := a.Bills()
	var problems []string
	budgets := 0
	for _, r := range a.Resources() {
		if r.Kind != gk("budgets", "Budget") || !r.inAWS() {
			continue
		}
		budgets++
		env := envOf(r.Observed)
		for _, b := range bills {
			counted := BudgetCounts(r.Observed, b.Tags)
			switch {
			case b.Environment == env && !counted:
				problems = append(problems, fmt.Sprintf("budget %s misses %s of its environment (tags %s)", r.ExternalName(), b.What, tagList(b.Tags)))
			case b.Environment != env && counted:
				problems = append(problems, fmt.Sprintf("budget %s counts %s of environment %s", r.ExternalName(), b.What, b.Environment))
			}
		}
	}
	if budgets == 0 {
		problems = append(problems, "no budget in the account")
	}
	return problems
}

func tagList(tags map[string]string) string {
	var s []string
	for k, v := range tags {
		s = append(s, k+"="+v)
	}
	sort.Strings(s)
	return "{" + strings.Join(s, ", ") + "}"
}
