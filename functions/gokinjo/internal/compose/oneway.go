package compose

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/internal/facts"
)

// A OneWay field of a managed resource can change in place in one direction
// only: RDS upgrades an engine minor but never downgrades it, and grows
// storage but never shrinks it. A change the other way is refused before the
// provider tries it and retries the failing call forever.
type OneWay struct {
	// Path of the desired value, and Current, the observed paths to compare
	// with, first found wins (the provider reports what AWS runs in status).
	Path    string
	Current []string
	// Field names the claim field that sets the value.
	Field string
	// Allowed reports whether moving from old to new is possible.
	Allowed func(old, new string) bool
	// Fix says what to do instead, given the current value.
	Fix func(current string) string
}

// oneWayFields registers, per kind, the fields that only move one way.
// Register new kinds here rather than growing a switch.
var oneWayFields = map[schema.GroupKind][]OneWay{
	{Group: "rds.aws.upbound.io", Kind: "Instance"}: {
		{
			Path: "spec.forProvider.engineVersion", Current: []string{"status.atProvider.engineVersionActual", "spec.forProvider.engineVersion"},
			Field:   "database.engineVersion",
			Allowed: func(o, n string) bool { return facts.CompareVersions(n, o) >= 0 },
			Fix: func(c string) string {
				return "RDS cannot downgrade an engine: set " + c + " or a later version (or restore a snapshot into a new environment)"
			},
		},
		{
			Path: "spec.forProvider.allocatedStorage", Current: []string{"spec.forProvider.allocatedStorage"},
			Field:   "database.allocatedStorage",
			Allowed: func(o, n string) bool { return number(n) >= number(o) },
			Fix: func(c string) string {
				return "RDS cannot shrink storage: set " + c + " GiB or more (to use less, restore a snapshot or dump into a new, smaller instance)"
			},
		},
	},
}

// guardOneWay returns an error naming every desired change that can only go
// the other way, with the field, the current value and what to do.
func (s *State) guardOneWay() error {
	var problems []string
	for name, d := range s.desired {
		o, ok := s.Observed[name]
		if !ok {
			continue
		}
		gk := o.Resource.GetObjectKind().GroupVersionKind().GroupKind()
		for _, f := range oneWayFields[gk] {
			want, okNew := value(d.Resource, f.Path)
			if !okNew {
				continue
			}
			// An unchanged value asks nothing, even where AWS moved on by
			// itself (RDS upgrades a minor at its end of support): the
			// provider ignores a spec older than what runs (provider-aws
			// v1.23.0 config/rds/config.go, TerraformCustomDiff).
			if applied, ok := value(o.Resource, f.Path); ok && fmt.Sprint(applied) == fmt.Sprint(want) {
				continue
			}
			for _, p := range f.Current {
				was, okOld := value(o.Resource, p)
				if !okOld {
					continue
				}
				if c, w := fmt.Sprint(was), fmt.Sprint(want); !f.Allowed(c, w) {
					problems = append(problems, fmt.Sprintf("%s: %s %q runs %s and the claim asks %s: %s", f.Field, gk.Kind, name, c, w, f.Fix(c)))
				}
				break
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return fmt.Errorf("refusing changes AWS cannot make to an existing environment: %s", strings.Join(problems, "; "))
}

func number(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}
