package policy

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const labelComposite = "crossplane.io/composite"

func deletionPolicy(u *unstructured.Unstructured) string {
	p, _, _ := unstructured.NestedString(u.Object, "spec", "deletionPolicy")
	if p == "" {
		return "Delete"
	}
	return p
}

// selector is one ...Selector field of a managed resource.
type selector struct {
	field        string
	matchLabels  map[string]string
	controllerRe bool
}

// selectors walks spec.forProvider for every field named ...Selector.
func selectors(v any, path string, out *[]selector) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			m, ok := x.(map[string]any)
			if strings.HasSuffix(k, "Selector") && ok {
				s := selector{field: path + k, matchLabels: map[string]string{}}
				if ml, ok := m["matchLabels"].(map[string]any); ok {
					for lk, lv := range ml {
						s.matchLabels[lk] = fmt.Sprint(lv)
					}
				}
				s.controllerRe, _ = m["matchControllerRef"].(bool)
				if len(s.matchLabels) > 0 {
					*out = append(*out, s)
				}
				continue
			}
			selectors(x, path+k+".", out)
		}
	case []any:
		for _, x := range t {
			selectors(x, path, out)
		}
	}
}

// selected returns the resources a selector of u selects.
func (x *Index) selected(u *unstructured.Unstructured, s selector) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range x.objs {
		if o == u || (s.controllerRe && o.GetLabels()[labelComposite] != u.GetLabels()[labelComposite]) {
			continue
		}
		if hasLabels(o, s.matchLabels) {
			out = append(out, o)
		}
	}
	return out
}

// hasLabels reports whether o carries every label of want.
func hasLabels(o *unstructured.Unstructured, want map[string]string) bool {
	l := o.GetLabels()
	for k, v := range want {
		if l[k] != v {
			return false
		}
	}
	return true
}

func init() { // Rule registry.
	register(Rule{
		Name: "orphan-holds-no-deleted",
		About: "A resource left in AWS when the claim is deleted (deletion policy Orphan) references only resources that are left too: " +
			"AWS cannot delete a subnet, VPC, security group or key an orphaned database still uses, so deletion would never finish.",
		Applies: func(u *unstructured.Unstructured) bool { return deletionPolicy(u) == "Orphan" },
		Check: func(u *unstructured.Unstructured, idx *Index) []string {
			var sels []selector
			fp, _, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "forProvider")
			selectors(fp, "", &sels)
			var out []string
			for _, s := range sels {
				for _, t := range idx.selected(u, s) {
					if deletionPolicy(t) != "Orphan" {
						out = append(out, fmt.Sprintf("%s selects %s, which is deleted with the claim: orphan it too", s.field, Describe(t)))
					}
				}
			}
			sort.Strings(out)
			return out
		},
	})
	register(Rule{
		Name: "usage-selects-one",
		About: "Every Usage's of and by select exactly one rendered resource: a Usage that selects nothing " +
			"protects nothing, and Crossplane's Usage controller resolves a selector to one resource only.",
		Applies: func(u *unstructured.Unstructured) bool {
			return u.GroupVersionKind().Group == "protection.crossplane.io"
		},
		Check: func(u *unstructured.Unstructured, idx *Index) []string {
			var out []string
			for _, side := range []string{"of", "by"} {
				ref, _, _ := unstructured.NestedMap(u.Object, "spec", side)
				if n := len(idx.usageSelected(u, ref)); n != 1 {
					out = append(out, fmt.Sprintf("spec.%s selects %d resources, want exactly 1", side, n))
				}
			}
			return out
		},
	})
}

// usageSelected returns the rendered resources a Usage's of or by selects:
// the kind, and the selector's labels; matchControllerRef keeps those with
// the Usage's controller.
func (x *Index) usageSelected(u *unstructured.Unstructured, ref map[string]any) []*unstructured.Unstructured {
	apiVersion, _ := ref["apiVersion"].(string)
	kind, _ := ref["kind"].(string)
	sel, _ := ref["resourceSelector"].(map[string]any)
	match := map[string]string{}
	if ml, ok := sel["matchLabels"].(map[string]any); ok {
		for k, v := range ml {
			match[k] = fmt.Sprint(v)
		}
	}
	sameController, _ := sel["matchControllerRef"].(bool)
	var out []*unstructured.Unstructured
	for _, o := range x.objs {
		if o.GetAPIVersion() != apiVersion || o.GetKind() != kind || (sameController && !controlledBySame(o, u)) {
			continue
		}
		if hasLabels(o, match) {
			out = append(out, o)
		}
	}
	return out
}

// controlledBySame reports whether a and b have the same controller.
func controlledBySame(a, b *unstructured.Unstructured) bool {
	ca, cb := metav1.GetControllerOf(a), metav1.GetControllerOf(b)
	return ca != nil && cb != nil && ca.Kind == cb.Kind && ca.Name == cb.Name
}

// isAWS reports whether u is a provider-aws managed resource.
func isAWS(u *unstructured.Unstructured) bool {
	return strings.HasSuffix(u.GroupVersionKind().Group, ".aws.upbound.io")
}

func init() { // Rule registry.
	register(Rule{
		Name: "late-initialize-kept",
		About: "Every provider-aws resource keeps the default management policies: upjet saves the id AWS gives an " +
			"async resource only through late initialization, so without LateInitialize references to it never resolve " +
			"(facts crossplane.yaml managementPolicies); and the ClusterAuth's controller refuses any other policies.",
		Applies: isAWS,
		Check: func(u *unstructured.Unstructured, _ *Index) []string {
			if got, set, _ := unstructured.NestedStringSlice(u.Object, "spec", "managementPolicies"); set && !slices.Equal(got, []string{"*"}) {
				return []string{fmt.Sprintf("managementPolicies %v: keep the default", got)}
			}
			return nil
		},
	})
}
