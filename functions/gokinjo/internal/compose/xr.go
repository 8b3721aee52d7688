package compose

import (
	"encoding/json"
	"fmt"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composite"
	"github.com/crossplane/function-sdk-go/response"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kjson "sigs.k8s.io/json"
)

// XR is the composite resource being composed: its observed spec to read and
// its desired status to write.
type XR struct {
	observed   *composite.Unstructured
	desired    *composite.Unstructured
	conditions []Condition
	warnings   []string
	// required is what Crossplane supplied of the function's required
	// resources, by requirement name; requirements is what the layer asks
	// for in this response.
	required     map[string][]resource.Required
	requirements map[string]*fnv1.ResourceSelector
}

// NewXR wraps the observed and desired composite resource of a request.
func NewXR(observed, desired *composite.Unstructured) *XR {
	return &XR{observed: observed, desired: desired}
}

// WithRequired gives the XR the required resources Crossplane supplied in
// the request (request.GetRequiredResources).
func (x *XR) WithRequired(r map[string][]resource.Required) *XR {
	x.required = r
	return x
}

// Require asks Crossplane for the resources sel selects, under name, and
// returns them once supplied. On the call that first asks, ok is false:
// Crossplane fetches them and calls again within the same reconcile, and
// only that call's answer counts. With realtime compositions (on in v2)
// Crossplane then supplies them from the first call of every later
// reconcile and reconciles the XR when they change (crossplane v2.4.0
// internal/xfn/required_resources.go, composite/composition_functions.go).
func (x *XR) Require(name string, sel *fnv1.ResourceSelector) (items []*unstructured.Unstructured, ok bool) {
	if x.requirements == nil {
		x.requirements = map[string]*fnv1.ResourceSelector{}
	}
	x.requirements[name] = sel
	got, ok := x.required[name]
	for _, r := range got {
		items = append(items, r.Resource)
	}
	return items, ok
}

// Name of the composite resource.
func (x *XR) Name() string { return x.observed.GetName() }

// Created is when the composite resource was created.
func (x *XR) Created() metav1.Time { return x.observed.GetCreationTimestamp() }

// Labels of the composite resource (a claim's XR carries the claim's name
// and namespace in Crossplane's claim labels).
func (x *XR) Labels() map[string]string { return x.observed.GetLabels() }

// Parameters decodes spec.parameters into out the way the API server reads
// the XR: field names match case-sensitively (encoding/json would read
// multiAZ as multiAz), and a field the schema lacks changes nothing, as the
// API server prunes it before the function ever sees it. Such a field can
// only come from an XR that skipped the API server (crossplane render); a
// warning names it.
func (x *XR) Parameters(out any) error {
	v, err := x.observed.GetValue("spec.parameters")
	if err != nil {
		return fmt.Errorf("spec.parameters is missing")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	strict, err := kjson.UnmarshalStrict(b, out, kjson.DisallowUnknownFields)
	if err != nil {
		return fmt.Errorf("spec.parameters: %w", err)
	}
	for _, e := range strict {
		x.Warn(fmt.Sprintf("spec.parameters: %v: ignored, as the API server prunes fields its schema lacks (field names are case-sensitive)", e))
	}
	return nil
}

// SetStatus merges the top-level fields of v (a status struct) into the
// desired XR's status. Fields Crossplane owns (conditions) are left alone.
func (x *XR) SetStatus(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	for k, f := range fields {
		if err := x.desired.SetValue("status."+k, f); err != nil {
			return err
		}
	}
	return nil
}

// ObservedStatus decodes a status field of the observed XR into out.
func (x *XR) ObservedStatus(field string, out any) bool {
	v, err := x.observed.GetValue("status." + field)
	if err != nil {
		return false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	return json.Unmarshal(b, out) == nil
}

// A Condition the function sets on the XR and its claim.
type Condition struct {
	Type, Reason, Message string
	Status                bool
}

// SetCondition records a condition for the XR and its claim.
func (x *XR) SetCondition(c Condition) { x.conditions = append(x.conditions, c) }

// Warn records a warning result shown on the XR and its claim.
func (x *XR) Warn(msg string) { x.warnings = append(x.warnings, msg) }

// Warnings returns the recorded warnings.
func (x *XR) Warnings() []string { return x.warnings }

// Conditions returns the recorded conditions.
func (x *XR) Conditions() []Condition { return x.conditions }

// Apply writes the recorded conditions, warnings and requirements to the
// response.
func (x *XR) Apply(rsp *fnv1.RunFunctionResponse) {
	if len(x.requirements) > 0 {
		rsp.Requirements = &fnv1.Requirements{Resources: x.requirements}
	}
	for _, c := range x.conditions {
		var o *response.ConditionOption
		if c.Status {
			o = response.ConditionTrue(rsp, c.Type, c.Reason)
		} else {
			o = response.ConditionFalse(rsp, c.Type, c.Reason)
		}
		if c.Message != "" {
			o = o.WithMessage(c.Message)
		}
		o.TargetCompositeAndClaim()
	}
	for _, w := range x.warnings {
		response.Warning(rsp, fmt.Errorf("%s", w)).TargetCompositeAndClaim()
	}
}

// ToContent turns a value made of Go structs into plain JSON content, the
// form unstructured objects hold.
func ToContent(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// DesiredStatus decodes the desired XR's status into out.
func (x *XR) DesiredStatus(out any) bool {
	v, err := x.desired.GetValue("status")
	if err != nil {
		return false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	return json.Unmarshal(b, out) == nil
}
