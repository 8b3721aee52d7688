package compose

import (
	"fmt"
	"sort"
	"strings"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	corev1 "k8s.io/api/core/v1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Condition types the function sets on every XR and its claim, so that
// `kubectl get environment` and `kubectl describe` say why an environment is
// not ready without crossplane beta trace.
const (
	// TypeResourcesReady is True once every composed resource (and, for an
	// XR of XRs, every resource below it) is ready; False names the first
	// blocking resource and the provider's own message.
	TypeResourcesReady = "ResourcesReady"
	// TypeComposed is False when the function refused to compose (bad
	// input, a replacement AWS cannot make, the budget): its message is the
	// refusal. Crossplane keeps custom conditions of a fatal response, so
	// the refusal reaches the claim.
	TypeComposed = "Composed"
	// TypeResourcesSynced is False while a composed resource (or one below a
	// nested XR) has Synced=False: the provider could not make AWS (or the
	// cluster) match it, typically an update AWS refused. Such a resource
	// stays Ready (it still runs, as it was), so ResourcesReady alone would
	// not say it; the message names it with the provider's error.
	TypeResourcesSynced = "ResourcesSynced"
)

// Reasons of the conditions above.
const (
	ReasonAvailable = "Available"
	ReasonCreating  = "Creating"
	ReasonWaiting   = "Waiting"
	ReasonError     = "ProviderError"
	ReasonStalled   = "NotResponsive"
	ReasonComposed  = "Composed"
	ReasonRefused   = "Refused"
	ReasonSynced    = "Synced"
)

// Progress is status.progress of every XR: how many of the managed resources
// below it are ready. Summary ("143/150") is what the printer column shows.
type Progress struct {
	Ready   int    `json:"ready"`
	Total   int    `json:"total"`
	Summary string `json:"summary"`
}

// blocker is one resource that keeps an XR from being ready, ranked so the
// most telling one is reported: a provider error first, then a stalled nested
// XR, then a nested XR's own explanation, then a plain not-ready resource,
// then one not created yet.
type blocker struct {
	rank    int
	reason  string
	message string
}

// Explain derives the XR's progress and its ResourcesReady condition from the
// desired resources and what Crossplane observed of them. It reads only
// observed conditions (their lastTransitionTime, not the clock), so the same
// observed state always gives the same status and no reconcile churns it.
func Explain(s *State, waiting []string) (Progress, Condition) {
	var p Progress
	var best *blocker
	for _, name := range s.Names() {
		o, ok := s.Observed[resource.Name(name)]
		var b *blocker
		switch {
		case !ok:
			p.Total++
			b = &blocker{rank: 4, reason: ReasonCreating, message: fmt.Sprintf("%s %q is not created yet", s.desired[resource.Name(name)].Resource.GetKind(), name)}
		case isNestedXR(o.Resource):
			var np Progress
			if ok, _ := s.ObservedInto(name, "status.progress", &np); ok {
				p.Ready += np.Ready
				p.Total += np.Total
			}
			b = nestedBlocker(name, o.Resource)
		default:
			p.Total++
			if IsReady(o.Resource) {
				p.Ready++
				continue
			}
			b = resourceBlocker(name, o.Resource)
		}
		if b != nil && (best == nil || b.rank < best.rank) {
			best = b
		}
	}
	p.Summary = fmt.Sprintf("%d/%d", p.Ready, p.Total)

	var parts []string
	if len(waiting) > 0 {
		parts = append(parts, "waiting for "+strings.Join(sortedCopy(waiting), "; "))
	}
	if best == nil && len(waiting) == 0 {
		return p, Condition{Type: TypeResourcesReady, Status: true, Reason: ReasonAvailable,
			Message: fmt.Sprintf("all %d composed resources are ready", p.Total)}
	}
	reason := ReasonWaiting
	if best != nil {
		parts = append(parts, best.message)
		reason = best.reason
	}
	return p, Condition{Type: TypeResourcesReady, Status: false, Reason: reason,
		Message: fmt.Sprintf("%s ready; %s", p.Summary, strings.Join(parts, "; "))}
}

// ExplainSynced derives the XR's ResourcesSynced condition: the first
// composed resource, in composition order, whose provider reports
// Synced=False (a nested XR passes on its own ResourcesSynced), with the
// provider's message.
func ExplainSynced(s *State) Condition {
	for _, name := range s.Names() {
		o, ok := s.Observed[resource.Name(name)]
		if !ok {
			continue
		}
		what := fmt.Sprintf("%s %q", o.Resource.GetKind(), name)
		if isNestedXR(o.Resource) {
			if c := o.Resource.GetCondition(TypeResourcesSynced); c.Status == corev1.ConditionFalse {
				return Condition{Type: TypeResourcesSynced, Status: false, Reason: ReasonError, Message: what + ": " + c.Message}
			}
			continue
		}
		if c := o.Resource.GetCondition(xpv1.TypeSynced); c.Status == corev1.ConditionFalse {
			return Condition{Type: TypeResourcesSynced, Status: false, Reason: ReasonError, Message: describe(what, c)}
		}
	}
	return Condition{Type: TypeResourcesSynced, Status: true, Reason: ReasonSynced,
		Message: "no composed resource reports a provider error"}
}

// resourceBlocker explains one not-ready managed resource (or Object,
// Release, ...) from its own Synced and Ready conditions.
func resourceBlocker(name string, o *composed.Unstructured) *blocker {
	what := fmt.Sprintf("%s %q", o.GetKind(), name)
	if c := o.GetCondition(xpv1.TypeSynced); c.Status == corev1.ConditionFalse {
		return &blocker{rank: 0, reason: ReasonError, message: describe(what, c)}
	}
	if c := o.GetCondition(xpv1.TypeReady); c.Status == corev1.ConditionFalse && c.Message != "" {
		return &blocker{rank: 3, reason: ReasonCreating, message: describe(what, c)}
	}
	return &blocker{rank: 3, reason: ReasonCreating, message: what + " is not ready yet"}
}

// nestedBlocker explains a not-ready nested XR by its own explanation, so the
// Environment tells the cause found deep in a layer.
func nestedBlocker(name string, o *composed.Unstructured) *blocker {
	what := fmt.Sprintf("%s %q", o.GetKind(), name)
	if c := o.GetCondition("Responsive"); c.Status == corev1.ConditionFalse {
		return &blocker{rank: 1, reason: ReasonStalled, message: describe(what, c)}
	}
	if c := o.GetCondition(TypeComposed); c.Status == corev1.ConditionFalse {
		return &blocker{rank: 0, reason: ReasonRefused, message: describe(what, c)}
	}
	if c := o.GetCondition(xpv1.TypeSynced); c.Status == corev1.ConditionFalse {
		return &blocker{rank: 0, reason: ReasonError, message: describe(what, c)}
	}
	if IsReady(o) {
		return nil
	}
	if c := o.GetCondition(TypeResourcesReady); c.Status == corev1.ConditionFalse {
		rank := 2
		if c.Reason == ReasonError || c.Reason == ReasonRefused {
			rank = 0
		}
		return &blocker{rank: rank, reason: string(c.Reason), message: what + ": " + c.Message}
	}
	return &blocker{rank: 3, reason: ReasonCreating, message: what + " is not ready yet"}
}

// describe renders a condition as "<what>: <Type>=False <Reason>: <message>
// (since <time>)".
func describe(what string, c xpv1.Condition) string {
	m := fmt.Sprintf("%s: %s=%s %s", what, c.Type, c.Status, c.Reason)
	if c.Message != "" {
		m += ": " + c.Message
	}
	if !c.LastTransitionTime.IsZero() {
		m += " (since " + c.LastTransitionTime.UTC().Format("2006-01-02T15:04:05Z") + ")"
	}
	return m
}

// isNestedXR reports whether a composed resource is one of this package's
// composite resources (the Environment's layers).
func isNestedXR(o *composed.Unstructured) bool {
	return o.GetObjectKind().GroupVersionKind().Group == v1alpha1.Group
}

func sortedCopy(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}
