package naming

import "github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"

// Tag keys the strategy's cost tracking and the policy tests rely on.
const (
	TagProject     = "Project"
	TagEnvironment = "Environment"
	TagManagedBy   = "ManagedBy"
	TagName        = "Name"
	TagLayer       = "Layer"
)

// Tags returns the tags of an AWS resource: the cost-allocation set plus its
// Name, plus any extra tags (for example the EKS subnet discovery tags).
// provider-aws takes tags as map[string]*string.
func Tags(o v1alpha1.Owner, layer, name string, extra ...map[string]string) map[string]*string {
	t := map[string]*string{
		TagProject:     ptr("gokinjo"),
		TagEnvironment: ptr(o.Environment),
		TagManagedBy:   ptr("crossplane"),
		TagLayer:       ptr(layer),
		TagName:        ptr(name),
	}
	for _, e := range extra {
		for k, v := range e {
			t[k] = ptr(v)
		}
	}
	return t
}

func ptr(s string) *string { return &s }
