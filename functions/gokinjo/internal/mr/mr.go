// Package mr holds the few helpers every layer needs to fill provider-aws
// managed resources: the resource spec, selectors and pointer literals.
package mr

import (
	xpv1 "github.com/crossplane/crossplane-runtime/apis/common/v1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Spec is the ResourceSpec of a managed resource of the owner's environment.
func Spec(o v1alpha1.Owner) xpv1.ResourceSpec {
	return xpv1.ResourceSpec{ProviderConfigReference: &xpv1.Reference{Name: o.ProviderConfigName}}
}

// OrphanSpec is Spec with deletion policy Orphan: deleting the claim leaves
// the AWS resource in place.
func OrphanSpec(o v1alpha1.Owner) xpv1.ResourceSpec {
	s := Spec(o)
	s.DeletionPolicy = xpv1.DeletionOrphan
	return s
}

// Local selects the resource of a component composed by the same XR.
func Local(component string) *xpv1.Selector {
	return &xpv1.Selector{
		MatchControllerRef: Bool(true),
		MatchLabels:        map[string]string{naming.LabelComponent: component},
	}
}

// LocalAlways is Local resolved on every reconcile (policy resolve:
// Always): crossplane-runtime otherwise resolves a selector only while the
// field it fills is empty (reference.go ResolutionRequest.IsNoOp), so a
// selector changed on an existing resource would keep the old id.
func LocalAlways(component string) *xpv1.Selector {
	s := Local(component)
	always := xpv1.ResolvePolicyAlways
	s.Policy = &xpv1.Policy{Resolve: &always}
	return s
}

// Env selects a resource composed by another layer of the same environment,
// by the environment id label plus the given labels.
func Env(o v1alpha1.Owner, labels map[string]string) *xpv1.Selector {
	l := map[string]string{naming.LabelEnvironmentID: o.EnvironmentID}
	for k, v := range labels {
		l[k] = v
	}
	return &xpv1.Selector{MatchLabels: l}
}

// Str returns a pointer to s.
func Str(s string) *string { return &s }

// Bool returns a pointer to b.
func Bool(b bool) *bool { return &b }

// Float returns a pointer to f; upjet types every number as float64.
func Float(f float64) *float64 { return &f }
