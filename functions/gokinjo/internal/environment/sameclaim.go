package environment

import (
	"fmt"
	"slices"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource/composed"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	budgetsv1beta1 "github.com/upbound/provider-aws/apis/budgets/v1beta1"
	cwlv1beta1 "github.com/upbound/provider-aws/apis/cloudwatchlogs/v1beta1"
	ec2v1beta1 "github.com/upbound/provider-aws/apis/ec2/v1beta1"
	ec2v1beta2 "github.com/upbound/provider-aws/apis/ec2/v1beta2"
	ecrv1beta1 "github.com/upbound/provider-aws/apis/ecr/v1beta1"
	eksv1beta1 "github.com/upbound/provider-aws/apis/eks/v1beta1"
	iamv1beta1 "github.com/upbound/provider-aws/apis/iam/v1beta1"
	kmsv1beta1 "github.com/upbound/provider-aws/apis/kms/v1beta1"
	rdsv1beta1 "github.com/upbound/provider-aws/apis/rds/v1beta1"
	rdsv1beta2 "github.com/upbound/provider-aws/apis/rds/v1beta2"
	s3v1beta1 "github.com/upbound/provider-aws/apis/s3/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// An environment's names come from its claim (naming.Identity), not from its
// XR, so that they survive re-creating the XR. Two XEnvironments of one claim
// therefore derive the same AWS names, and the second would adopt what the
// first created: the provider finds an existing bucket, role or cluster under
// its external name and takes it over, and the first one's deletion then
// deletes it from under the second. That happens when a claim is deleted and
// applied again at once: Crossplane deletes the old XR in the background, so
// the XR and its nested XRs are gone within a second, while garbage
// collection deletes their managed resources, in the Usages' order, for
// minutes (e2e: the old XEnvironment gone 0.4 s after the claim). It also
// happens with an XEnvironment created by hand with a claim's labels.
//
// So an XEnvironment that has composed nothing yet asks Crossplane for every
// XR and AWS managed resource of its claim (Crossplane puts the claim labels
// on everything it composes), and composes nothing while one of another
// XEnvironment exists, or while an XEnvironment of the claim created before
// it does. It says which on the claim. Crossplane watches what a function
// requires, so the environment is composed as soon as the last one is gone.
// Once it has composed, it asks for nothing more.

// claimKinds are the kinds asked for: the XRs and every provider-aws kind the
// layers compose (TestClaimKindsCoverTheRenders checks them against the
// renders); accessEntryKinds are added when the environment composes an
// admin access entry, the only way an old one (named by cluster and
// principal) can meet a new one. The
// provider-kubernetes Objects, Helm Releases, ProviderConfigs and
// ClusterUsages are left out: their Kubernetes names are fixed, so
// Crossplane refuses to apply one another XR controls rather than adopt it,
// and the Usages delete them before the EKS cluster, which is asked for. Some
// Objects carry whole dashboards, which would swell every request.
var claimKinds = append(xrKinds(),
	budgetsv1beta1.Budget_GroupVersionKind,
	cwlv1beta1.Group_GroupVersionKind,
	ec2v1beta1.EIP_GroupVersionKind,
	ec2v1beta1.InternetGateway_GroupVersionKind,
	ec2v1beta1.LaunchTemplate_GroupVersionKind,
	ec2v1beta1.NATGateway_GroupVersionKind,
	ec2v1beta1.RouteTable_GroupVersionKind,
	ec2v1beta1.RouteTableAssociation_GroupVersionKind,
	ec2v1beta1.SecurityGroup_GroupVersionKind,
	ec2v1beta1.SecurityGroupIngressRule_GroupVersionKind,
	ec2v1beta1.Subnet_GroupVersionKind,
	ec2v1beta1.VPC_GroupVersionKind,
	ec2v1beta1.VPCEndpoint_GroupVersionKind,
	ec2v1beta1.VPCEndpointRouteTableAssociation_GroupVersionKind,
	ec2v1beta2.Route_GroupVersionKind,
	ecrv1beta1.LifecyclePolicy_GroupVersionKind,
	ecrv1beta1.Repository_GroupVersionKind,
	eksv1beta1.Addon_GroupVersionKind,
	eksv1beta1.Cluster_GroupVersionKind,
	eksv1beta1.ClusterAuth_GroupVersionKind,
	eksv1beta1.NodeGroup_GroupVersionKind,
	iamv1beta1.OpenIDConnectProvider_GroupVersionKind,
	iamv1beta1.Role_GroupVersionKind,
	iamv1beta1.RolePolicy_GroupVersionKind,
	iamv1beta1.RolePolicyAttachment_GroupVersionKind,
	kmsv1beta1.Key_GroupVersionKind,
	rdsv1beta1.ParameterGroup_GroupVersionKind,
	rdsv1beta1.SubnetGroup_GroupVersionKind,
	rdsv1beta2.Instance_GroupVersionKind,
	s3v1beta1.Bucket_GroupVersionKind,
	s3v1beta1.BucketLifecycleConfiguration_GroupVersionKind,
	s3v1beta1.BucketOwnershipControls_GroupVersionKind,
	s3v1beta1.BucketPolicy_GroupVersionKind,
	s3v1beta1.BucketPublicAccessBlock_GroupVersionKind,
	s3v1beta1.BucketServerSideEncryptionConfiguration_GroupVersionKind,
	s3v1beta1.BucketVersioning_GroupVersionKind,
)

var accessEntryKinds = []schema.GroupVersionKind{
	eksv1beta1.AccessEntry_GroupVersionKind,
	eksv1beta1.AccessPolicyAssociation_GroupVersionKind,
}

// kindsAsked are the kinds an environment asks for.
func kindsAsked(accessEntries bool) []schema.GroupVersionKind {
	if !accessEntries {
		return claimKinds
	}
	return append(slices.Clip(claimKinds), accessEntryKinds...)
}

// xrKinds are the XEnvironment and its nested layers' XRs.
func xrKinds() []schema.GroupVersionKind {
	gv := schema.GroupVersion{Group: v1alpha1.Group, Version: v1alpha1.Version}
	out := []schema.GroupVersionKind{gv.WithKind(v1alpha1.KindEnvironment)}
	for _, l := range nestedLayers {
		out = append(out, gv.WithKind(l.kind))
	}
	return out
}

// heldBack returns what of the claim, not this XEnvironment's, exists: an
// XEnvironment of the claim created before this one, or anything another one
// composed. It asks only while nothing is composed: supplied is false on the
// call that first asks (Crossplane calls again with them).
func heldBack(xr *compose.XR, s *compose.State, accessEntries bool) (others []*unstructured.Unstructured, supplied bool) {
	ns, name := xr.Labels()[naming.LabelClaimNamespace], xr.Labels()[naming.LabelClaimName]
	if ns == "" || name == "" || len(s.Observed) > 0 {
		// Without a claim the names are the XR's own (naming.Identity).
		return nil, true
	}
	self := order{xr.Created(), xr.Name()}
	supplied = true
	for _, gvk := range kindsAsked(accessEntries) {
		items, ok := xr.Require("claim:"+gvk.Kind+"."+gvk.Group, &fnv1.ResourceSelector{
			ApiVersion: gvk.GroupVersion().String(),
			Kind:       gvk.Kind,
			Match: &fnv1.ResourceSelector_MatchLabels{MatchLabels: &fnv1.MatchLabels{Labels: map[string]string{
				naming.LabelClaimNamespace: ns, naming.LabelClaimName: name,
			}}},
		})
		supplied = supplied && ok
		for _, o := range items {
			if gvk.Kind == v1alpha1.KindEnvironment && gvk.Group == v1alpha1.Group {
				if o.GetName() != self.name && orderOf(o).before(self) {
					others = append(others, o)
				}
				continue
			}
			// Without the label it is not this package's (another claim
			// kind's claim of the same name composed it): it has none of
			// these names.
			if id := o.GetLabels()[naming.LabelEnvironmentID]; id != "" && id != self.name {
				others = append(others, o)
			}
		}
	}
	return others, supplied
}

// order places XEnvironments by creation time, then name: creation times
// have a resolution of one second, and every XR must agree on the order.
type order struct {
	created metav1.Time
	name    string
}

func orderOf(o *unstructured.Unstructured) order { return order{o.GetCreationTimestamp(), o.GetName()} }

func (a order) before(b order) bool {
	if !a.created.Equal(&b.created) {
		return a.created.Before(&b.created)
	}
	return a.name < b.name
}

// yieldToEarlier holds this XEnvironment back, composing nothing, while
// something of another XEnvironment of its claim exists, and records on the
// XR what it waits for. It reports whether it did. It also composes nothing
// on the call that first asks: Crossplane calls again with what it asked for
// and uses only that answer.
func yieldToEarlier(xr *compose.XR, s *compose.State, accessEntries bool) bool {
	others, supplied := heldBack(xr, s, accessEntries)
	if !supplied {
		s.Wait("Crossplane to supply the claim's XRs and managed resources (the function's required resources)")
		return true
	}
	if len(others) == 0 {
		return false
	}
	claim := xr.Labels()[naming.LabelClaimNamespace] + "/" + xr.Labels()[naming.LabelClaimName]
	first := mostTelling(others)
	if first.GetKind() == v1alpha1.KindEnvironment {
		state := "it exists: delete the XEnvironment you do not want"
		if ts := first.GetDeletionTimestamp(); ts != nil {
			state = "it is being deleted (since " + ts.UTC().Format("2006-01-02T15:04:05Z") + ")"
		}
		s.Wait(fmt.Sprintf("XEnvironment %q of the same claim %s to be gone: it derives the same AWS names, so this one composes nothing until then; %s", first.GetName(), claim, state))
		return true
	}
	what := fmt.Sprintf("%d resources", len(others))
	if len(others) == 1 {
		what = "1 resource"
	}
	among := fmt.Sprintf("%s %q among them", first.GetKind(), first.GetName())
	if c, ok := syncedFalse(first); ok {
		among += fmt.Sprintf(", Synced=False since %s: %s", c.LastTransitionTime.UTC().Format("2006-01-02T15:04:05Z"), c.Message)
	}
	s.Wait(fmt.Sprintf("%s of XEnvironment %q of the same claim %s to be deleted (%s): they hold the same AWS names, so this one composes nothing until they are gone",
		what, first.GetLabels()[naming.LabelEnvironmentID], claim, among))
	return true
}

// mostTelling is the one to name of what holds the environment back: an
// XEnvironment, else a resource whose provider reports an error (a deletion
// AWS refuses, which will not end by itself), else one being deleted, else
// the first (one a Usage still holds has no deletion timestamp yet).
func mostTelling(others []*unstructured.Unstructured) *unstructured.Unstructured {
	rank := func(o *unstructured.Unstructured) int {
		switch {
		case o.GetKind() == v1alpha1.KindEnvironment:
			return 0
		case isSyncedFalse(o):
			return 1
		case o.GetDeletionTimestamp() != nil:
			return 2
		}
		return 3
	}
	best := others[0]
	for _, o := range others[1:] {
		if rank(o) < rank(best) {
			best = o
		}
	}
	return best
}

// syncedFalse is a resource's Synced condition, and whether it is False.
func syncedFalse(o *unstructured.Unstructured) (xpv1.Condition, bool) {
	c := (&composed.Unstructured{Unstructured: *o}).GetCondition(xpv1.TypeSynced)
	return c, c.Status == corev1.ConditionFalse
}

func isSyncedFalse(o *unstructured.Unstructured) bool {
	_, f := syncedFalse(o)
	return f
}
