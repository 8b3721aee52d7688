// Package policy holds the security and hygiene rules every rendered
// environment must keep. Each rule checks composed resources and names the
// resource it finds at fault; the tests run every rule over every example
// environment at every lifecycle stage (the golden renders).
package policy

import (
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// A Violation is one broken rule on one resource.
type Violation struct {
	Rule     string
	Resource string
	Message  string
}

func (v Violation) String() string { return fmt.Sprintf("[%s] %s: %s", v.Rule, v.Resource, v.Message) }

// A Rule checks the rendered resources of one environment at one stage.
type Rule struct {
	Name  string
	About string
	// Applies tells which resources the rule checks.
	Applies func(u *unstructured.Unstructured) bool
	// Check returns what is wrong with one resource; all is every rendered
	// resource, for rules that look at companions (a bucket's policy, say).
	Check func(u *unstructured.Unstructured, all *Index) []string
}

// Rules is the registry of rules, in the order they are reported.
var Rules []Rule

func register(r Rule) { Rules = append(Rules, r) }

// Result is what a run found: violations, and how many resources each rule
// checked (a rule that checked nothing proves nothing).
type Result struct {
	Violations []Violation
	Checked    map[string]int
}

// Run checks every rule against every resource.
func Run(objs []*unstructured.Unstructured) Result {
	idx := NewIndex(objs)
	res := Result{Checked: map[string]int{}}
	for _, r := range Rules {
		res.Checked[r.Name] += 0
		for _, u := range objs {
			if !r.Applies(u) {
				continue
			}
			res.Checked[r.Name]++
			for _, m := range r.Check(u, idx) {
				res.Violations = append(res.Violations, Violation{Rule: r.Name, Resource: Describe(u), Message: m})
			}
		}
	}
	sort.SliceStable(res.Violations, func(i, j int) bool { return res.Violations[i].String() < res.Violations[j].String() })
	return res
}

// Describe names a composed resource the way a user finds it in render
// output: kind, composition resource name and composite.
func Describe(u *unstructured.Unstructured) string {
	name := u.GetAnnotations()["crossplane.io/composition-resource-name"]
	if name == "" {
		name = u.GetName()
	}
	return fmt.Sprintf("%s %q of %s", u.GetKind(), name, u.GetLabels()["crossplane.io/composite"])
}
