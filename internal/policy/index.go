package policy

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const labelComponent = "platform.gokinjo.io/component"

// Index finds the companions of a resource: the resources of a kind in the
// same composite that select it by component label.
type Index struct {
	objs []*unstructured.Unstructured
}

// NewIndex indexes rendered resources.
func NewIndex(objs []*unstructured.Unstructured) *Index { return &Index{objs: objs} }

// All returns every rendered resource.
func (x *Index) All() []*unstructured.Unstructured { return x.objs }

// Selecting returns the resources of kind in u's composite whose selector
// field (for example bucketSelector) selects u's component.
func (x *Index) Selecting(u *unstructured.Unstructured, kind, selector string) []*unstructured.Unstructured {
	comp := u.GetLabels()[labelComponent]
	composite := u.GetLabels()["crossplane.io/composite"]
	var out []*unstructured.Unstructured
	for _, o := range x.objs {
		if o.GetKind() != kind || o.GetLabels()["crossplane.io/composite"] != composite {
			continue
		}
		if got, _, _ := unstructured.NestedString(o.Object, "spec", "forProvider", selector, "matchLabels", labelComponent); got == comp {
			out = append(out, o)
		}
	}
	return out
}
