package compose

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/crossplane/crossplane-runtime/pkg/meta"
	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// State is one layer's view of a reconcile: what Crossplane observed, and what
// the layer wants. Build a fresh State per RunFunction call.
type State struct {
	Observed map[resource.Name]resource.ObservedComposed
	desired  map[resource.Name]*resource.DesiredComposed
	waiting  []string
}

// NewState returns a State over the observed composed resources.
func NewState(observed map[resource.Name]resource.ObservedComposed) *State {
	if observed == nil {
		observed = map[resource.Name]resource.ObservedComposed{}
	}
	return &State{Observed: observed, desired: map[resource.Name]*resource.DesiredComposed{}}
}

// Add desires a typed object (a provider-aws managed resource, say) under a
// composition resource name. Its status block is dropped: typed structs emit
// an empty status, which schema validation rejects and which a function must
// never own anyway. Readiness comes from the observed resource of that name.
func (s *State) Add(name string, obj runtime.Object, labels map[string]string) error {
	u, err := composed.From(obj)
	if err != nil {
		return fmt.Errorf("cannot convert %s %q to a composed resource: %w", obj.GetObjectKind().GroupVersionKind().Kind, name, err)
	}
	return s.add(name, u, labels)
}

// AddUnstructured desires an object given as plain content, for kinds that
// have no Go type here (nested composite resources).
func (s *State) AddUnstructured(name string, content map[string]any, labels map[string]string) error {
	u := composed.New()
	u.SetUnstructuredContent(content)
	return s.add(name, u, labels)
}

func (s *State) add(name string, u *composed.Unstructured, labels map[string]string) error {
	n := resource.Name(name)
	if _, dup := s.desired[n]; dup {
		return fmt.Errorf("internal error: composed resource %q desired twice", name)
	}
	delete(u.Object, "status")
	pruneNulls(u.Object)
	if len(labels) > 0 {
		l := u.GetLabels()
		if l == nil {
			l = map[string]string{}
		}
		for k, v := range labels {
			l[k] = v
		}
		u.SetLabels(l)
	}
	keepExternalName(u, s.Observed[n].Resource)
	d := &resource.DesiredComposed{Resource: u, Ready: resource.ReadyFalse}
	if o, ok := s.Observed[n]; ok && IsReady(o.Resource) {
		d.Ready = resource.ReadyTrue
	}
	s.desired[n] = d
	return nil
}

// keepExternalName makes an observed external name win over the one the
// layer derives: a resource that exists keeps its AWS name, so a change in
// how names are derived (docs/naming.md) never renames, and so never
// replaces, what exists. Only names the layer sets are touched: a resource
// the provider names (a VPC id) keeps the provider's.
func keepExternalName(desired, observed *composed.Unstructured) {
	if observed == nil || NeverCreated(observed) {
		return
	}
	was := meta.GetExternalName(observed)
	if was == "" || meta.GetExternalName(desired) == "" {
		return
	}
	meta.SetExternalName(desired, was)
}

// NeverCreated reports whether an observed managed resource failed before
// anything of it existed in AWS: Synced=False, no id or ARN in status, and
// no create ever started (crossplane-runtime records one in the
// external-create-pending annotation before it calls the provider's Create,
// and external-create-succeeded once it returns: upjet's async Create
// returns before AWS finishes, so a create that failed half-way keeps it).
// A bucket name another account owns fails so: S3 answers the provider's
// first look with 403, before any create. Such a name may still change
// (fixed with a bucketSuffix): nothing in AWS carries the old one.
func NeverCreated(observed *composed.Unstructured) bool {
	if c := observed.GetCondition(xpv1.TypeSynced); c.Status != corev1.ConditionFalse {
		return false
	}
	a := observed.GetAnnotations()
	if a[meta.AnnotationKeyExternalCreatePending] != "" || a[meta.AnnotationKeyExternalCreateSucceeded] != "" {
		return false
	}
	for _, f := range []string{"status.atProvider.id", "status.atProvider.arn"} {
		if v, _ := observed.GetString(f); v != "" {
			return false
		}
	}
	return true
}

// Wait records that the layer has not composed everything yet: it holds
// part of it back until observed values (an issuer, an ARN) exist. The XR
// is then not ready, even if every resource composed so far is.
func (s *State) Wait(what string) { s.waiting = append(s.waiting, what) }

// Waiting returns what the layer waits for, in the order it was recorded.
func (s *State) Waiting() []string { return s.waiting }

// Sticky reports whether a component that waits for observed inputs is
// composed: once its inputs are observed, or once it exists, so that it is
// never dropped again because an input flickered. Otherwise it records that
// the layer waits for it.
func (s *State) Sticky(comp string, inputsObserved bool) bool {
	return s.StickyFor(comp, comp, inputsObserved)
}

// StickyFor is Sticky, recording the wait as what (what the component
// waits for) rather than the component's name.
func (s *State) StickyFor(comp, what string, inputsObserved bool) bool {
	if inputsObserved || s.ObservedExists(comp) {
		return true
	}
	s.Wait(what)
	return false
}

// Desired returns the desired composed resources.
func (s *State) Desired() map[resource.Name]*resource.DesiredComposed { return s.desired }

// Names returns the desired resource names, sorted.
func (s *State) Names() []string {
	out := make([]string, 0, len(s.desired))
	for n := range s.desired {
		out = append(out, string(n))
	}
	sort.Strings(out)
	return out
}

// ObservedString reads a string field of an observed composed resource, or ""
// if the resource or the field is not there yet.
func (s *State) ObservedString(name, path string) string {
	o, ok := s.Observed[resource.Name(name)]
	if !ok {
		return ""
	}
	v, err := o.Resource.GetString(path)
	if err != nil {
		return ""
	}
	return v
}

// ObservedExists reports whether a resource of that name is observed.
func (s *State) ObservedExists(name string) bool {
	_, ok := s.Observed[resource.Name(name)]
	return ok
}

// ObservedReady reports whether the named observed resource is ready.
func (s *State) ObservedReady(name string) bool {
	o, ok := s.Observed[resource.Name(name)]
	return ok && IsReady(o.Resource)
}

// ObservedInto decodes a field of an observed composed resource into out. It
// returns false when the resource or field does not exist yet.
func (s *State) ObservedInto(name, path string, out any) (bool, error) {
	o, ok := s.Observed[resource.Name(name)]
	if !ok {
		return false, nil
	}
	v, err := o.Resource.GetValue(path)
	if err != nil {
		return false, nil // A missing field is "not observed yet".
	}
	b, err := json.Marshal(v)
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return false, fmt.Errorf("observed %s %s has an unexpected shape: %w", name, path, err)
	}
	return true, nil
}

// pruneNulls removes null values from content. Provider structs mark some
// optional pointer fields without omitempty (scalingConfig.desiredSize, say),
// so an unset field becomes an explicit null: schema validation rejects it,
// and in a desired state it would claim ownership of a field the function
// has no opinion on.
func pruneNulls(m map[string]any) {
	for k, v := range m {
		switch t := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			pruneNulls(t)
		case []any:
			for _, e := range t {
				if em, ok := e.(map[string]any); ok {
					pruneNulls(em)
				}
			}
		}
	}
}
