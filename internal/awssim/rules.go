package awssim

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// A createRule checks a create (or update) the way AWS validates the API
// call; a non-nil error is AWS's refusal.
type createRule func(a *Account, r *Resource) *AWSError

// A waitRule says why a resource AWS accepted is not available (yet): a
// message, and the rule as an error when it is a defect that never clears
// by itself (an image nobody pushed), so tests report it.
type waitRule func(a *Account, r *Resource) (string, *AWSError)

// A carry copies into an update's observation what AWS keeps from before
// the update (prev) where the update does not set it: a node group's
// current desired size, say.
type carry func(prev, now *unstructured.Unstructured)

// One registry of rules per kind, like the function's readiness registry.
var (
	createRules = map[schema.GroupKind][]createRule{}
	waitRules   = map[schema.GroupKind][]waitRule{}
	carries     = map[schema.GroupKind]carry{}
)

func onCreate(k schema.GroupKind, f createRule) { createRules[k] = append(createRules[k], f) }
func onWait(k schema.GroupKind, f waitRule)     { waitRules[k] = append(waitRules[k], f) }
func onUpdateCarry(k schema.GroupKind, f carry) { carries[k] = f }

func (a *Account) check(r *Resource) *AWSError {
	for _, f := range createRules[r.Kind] {
		if e := f(a, r); e != nil {
			return e
		}
	}
	return nil
}

func (a *Account) pending(r *Resource) (string, *AWSError) {
	if d := a.Delays.For(r.Kind); d > 0 {
		// The message stays the same while AWS creates, as the provider's
		// does: a countdown would rewrite the status on every poll.
		if r.Created.Add(d).After(a.now()) {
			return fmt.Sprintf("Creating: simulated AWS takes %s for a %s", d.Round(time.Millisecond), r.Kind.Kind), nil
		}
	}
	if r.Kind == kindRelease {
		if msg, e := a.helmRetry(r); msg != "" {
			return msg, e
		}
	}
	for _, f := range waitRules[r.Kind] {
		if msg, e := f(a, r); msg != "" {
			return msg, e
		}
	}
	return "", nil
}

// Delays are how long AWS takes to create each kind, scaled: the e2e
// delay scenario runs with them so ordering bugs surface.
type Delays struct {
	// Scale multiplies the realistic durations (0 disables delays;
	// 0.01 turns 15 minutes into 9 seconds).
	Scale float64
}

// RealisticDelays are typical creation times in AWS (EKS control plane
// ~10 min, RDS ~8 min, a Multi-AZ standby or read replica longer, NAT
// gateways and node groups a few minutes). Orders of magnitude from AWS's
// own guides; they are not a promise and not facts the package relies on.
var RealisticDelays = map[schema.GroupKind]time.Duration{
	gk("eks", "Cluster"):                           10 * time.Minute,
	gk("eks", "NodeGroup"):                         4 * time.Minute,
	gk("eks", "Addon"):                             1 * time.Minute,
	gk("rds", "Instance"):                          8 * time.Minute,
	gk("ec2", "NATGateway"):                        2 * time.Minute,
	gk("ec2", "VPCEndpoint"):                       1 * time.Minute,
	{Group: "helm.crossplane.io", Kind: "Release"}: 1 * time.Minute,
}

// For is the scaled delay of a kind.
func (d Delays) For(k schema.GroupKind) time.Duration {
	if d.Scale <= 0 {
		return 0
	}
	return time.Duration(float64(RealisticDelays[k]) * d.Scale)
}

func fp(u *unstructured.Unstructured, path ...string) string {
	s, _, _ := unstructured.NestedString(u.Object, append([]string{"spec", "forProvider"}, path...)...)
	return s
}

// forProviderNumber is a number of spec.forProvider.
func forProviderNumber(u *unstructured.Unstructured, path ...string) (float64, bool) {
	v, ok, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec", "forProvider"}, path...)...)
	if !ok {
		return 0, false
	}
	return number(v)
}

// number reads a JSON number however it was decoded.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	}
	return 0, false
}

// refTarget is the resource a resolved field points at (nil if none).
func (a *Account) refTarget(r *Resource, field string) *Resource {
	for _, e := range r.Refs {
		if e.field == field && e.target != "" {
			return a.res[e.target]
		}
	}
	return nil
}

func (a *Account) refTargets(r *Resource, field string) []*Resource {
	var out []*Resource
	for _, e := range r.Refs {
		if e.field == field && e.target != "" {
			if t := a.res[e.target]; t != nil {
				out = append(out, t)
			}
		}
	}
	return out
}
