package compose

import (
	"github.com/crossplane/function-sdk-go/resource/composed"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// A ReadyCheck tells whether an observed composed resource is ready.
type ReadyCheck func(o *composed.Unstructured) bool

// readyChecks holds the kinds whose readiness is not "condition Ready is
// True". Add new kinds here rather than growing a switch.
var readyChecks = map[schema.GroupKind]ReadyCheck{
	// The ProviderConfigs of provider-kubernetes and provider-helm (cluster
	// layer) have no conditions: they are ready once they exist.
	{Group: "kubernetes.crossplane.io", Kind: "ProviderConfig"}: Exists,
	{Group: "helm.crossplane.io", Kind: "ProviderConfig"}:       Exists,
}

// IsReady reports whether an observed resource is ready: the kind's own check
// if it has one, else its Ready condition.
func IsReady(o *composed.Unstructured) bool {
	if o == nil {
		return false
	}
	gk := o.GetObjectKind().GroupVersionKind().GroupKind()
	if c, ok := readyChecks[gk]; ok {
		return c(o)
	}
	return ConditionTrue(o, "Ready")
}

// ConditionTrue reports whether the condition of the type is True. It reads
// status.conditions in place: the SDK's GetCondition round-trips them through
// JSON, which was 40% of a whole tree's RunFunction time (every observed
// resource's readiness is read on every call).
func ConditionTrue(o *composed.Unstructured, typ string) bool {
	conds, _, _ := unstructured.NestedFieldNoCopy(o.Object, "status", "conditions")
	list, _ := conds.([]any)
	for _, c := range list {
		if m, ok := c.(map[string]any); ok && m["type"] == typ {
			return m["status"] == string(corev1.ConditionTrue)
		}
	}
	return false
}

// Exists is a ReadyCheck for kinds without conditions (ProviderConfigs, say):
// they are ready once they exist.
func Exists(o *composed.Unstructured) bool { return o != nil }
