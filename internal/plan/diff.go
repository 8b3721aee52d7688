package plan

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// A Field is one changed field of a resource: its path below the resource
// (spec.forProvider.scalingConfig.minSize), what it is and what it will be.
// Was is absent for a field the change adds; secret values are masked.
type Field struct {
	Path string `json:"path"`
	Was  any    `json:"was,omitempty"`
	Will any    `json:"will,omitempty"`
}

// diffSpec lists the fields of desired that differ from observed below root
// (spec, say). Only what the function desires counts: a field the provider
// or AWS filled in (late initialisation, defaults) and the function leaves
// out is not a change, since Crossplane applies the desired fields only.
// An element removed from a list the function desires is a change.
func diffSpec(root string, observed, desired any) []Field {
	r := &fieldReporter{root: root}
	cmp.Equal(observed, desired, cmp.Reporter(r), numbersByValue)
	sort.SliceStable(r.fields, func(i, j int) bool { return r.fields[i].Path < r.fields[j].Path })
	return r.fields
}

// numbersByValue compares numbers by value, whatever their Go type: the
// API server's JSON decoder gives whole numbers as int64, YAML (fixtures,
// crossplane render's output) as float64.
var numbersByValue = cmp.FilterValues(func(x, y any) bool {
	_, xn := number(x)
	_, yn := number(y)
	return xn && yn
}, cmp.Comparer(func(x, y any) bool {
	a, _ := number(x)
	b, _ := number(y)
	return a == b
}))

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// fieldReporter is a go-cmp Reporter that collects the unequal leaves with
// their paths.
type fieldReporter struct {
	root   string
	path   cmp.Path
	fields []Field
}

func (r *fieldReporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }
func (r *fieldReporter) PopStep()                 { r.path = r.path[:len(r.path)-1] }

func (r *fieldReporter) Report(res cmp.Result) {
	if res.Equal() {
		return
	}
	vx, vy := r.path.Last().Values()
	if _, isKey := r.path.Last().(cmp.MapIndex); isKey && !vy.IsValid() {
		return // Not desired: owned by the provider or AWS.
	}
	r.fields = append(r.fields, Field{Path: r.pathString(), Was: value(vx), Will: value(vy)})
}

// pathString renders the path as dotted keys and [index] for list items,
// the index of the desired list where the item is desired.
func (r *fieldReporter) pathString() string {
	var b strings.Builder
	b.WriteString(r.root)
	for _, s := range r.path {
		switch s := s.(type) {
		case cmp.MapIndex:
			k := fmt.Sprint(s.Key().Interface())
			if strings.ContainsAny(k, "./ ") {
				fmt.Fprintf(&b, "[%q]", k)
			} else {
				b.WriteString("." + k)
			}
		case cmp.SliceIndex:
			ix, iy := s.SplitKeys()
			if iy < 0 {
				iy = ix
			}
			fmt.Fprintf(&b, "[%d]", iy)
		}
	}
	return b.String()
}

func value(v reflect.Value) any {
	if !v.IsValid() || !v.CanInterface() {
		return nil
	}
	return v.Interface()
}
