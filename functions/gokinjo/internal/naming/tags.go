package naming

import "github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"

// Tag keys the strategy's cost tracking and the policy tests rely on.
const (
	TagProject     = "Project"
	TagEnvironment = "Environment"
	// TagEnvironmentID is the cost allocation tag of one environment: its
	// name prefix (unique per claim and region, docs/naming.md). Several
	// environments of one kind may share an account (two dev claims), so
	// Environment alone cannot tell their spend apart; the budget filters on
	// this one. It is not the environment-id label (the XEnvironment's name,
	// unique only in one management cluster).
	TagEnvironmentID = "EnvironmentId"
	TagManagedBy     = "ManagedBy"
	TagName          = "Name"
	TagLayer         = "Layer"
)

// CostAllocationTags are the tag keys every AWS resource of an environment,
// and everything AWS launches for it (node instances and volumes, through
// the node groups' launch templates), carries for cost allocation.
var CostAllocationTags = []string{TagProject, TagEnvironment, TagEnvironmentID, TagManagedBy}

// EnvironmentID is the value of the EnvironmentId tag.
func EnvironmentID(o v1alpha1.Owner) string { return Prefix(o) }

// CostTags are the cost allocation tags (CostAllocationTags) with their
// values: what the in-cluster controllers that create AWS resources (the
// load balancer controller's ALB and security groups, the EBS CSI driver's
// volumes) put on them, so the budget sees that spend too.
func CostTags(o v1alpha1.Owner) map[string]string {
	return map[string]string{
		TagProject:       "gokinjo",
		TagEnvironment:   o.Environment,
		TagEnvironmentID: EnvironmentID(o),
		TagManagedBy:     "crossplane",
	}
}

// Tags returns the tags of an AWS resource: the cost-allocation set plus its
// Name, plus any extra tags (for example the EKS subnet discovery tags).
// provider-aws takes tags as map[string]*string.
func Tags(o v1alpha1.Owner, layer, name string, extra ...map[string]string) map[string]*string {
	t := map[string]*string{
		TagLayer: ptr(layer),
		TagName:  ptr(name),
	}
	for k, v := range CostTags(o) {
		t[k] = ptr(v)
	}
	for _, e := range extra {
		for k, v := range e {
			t[k] = ptr(v)
		}
	}
	return t
}

func ptr(s string) *string { return &s }
