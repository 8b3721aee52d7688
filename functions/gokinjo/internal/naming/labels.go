// Package naming holds the names, labels and tags every layer stamps on what
// it composes, so that layers can find each other's resources by label
// (design brief, decision 5) and AWS cost reports can group by tag.
package naming

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Label keys. Selectors between layers match on LabelEnvironmentID plus a
// role label; selectors inside a layer add matchControllerRef.
const (
	LabelEnvironmentID = v1alpha1.Group + "/environment-id"
	LabelEnvironment   = v1alpha1.Group + "/environment"
	LabelLayer         = v1alpha1.Group + "/layer"
	LabelComponent     = v1alpha1.Group + "/component"
	LabelTier          = v1alpha1.Group + "/tier"
	LabelZone          = v1alpha1.Group + "/zone"
)

// Labels returns the labels of one composed resource of a layer.
func Labels(o v1alpha1.Owner, layer, component string) map[string]string {
	return map[string]string{
		LabelEnvironmentID: o.EnvironmentID,
		LabelEnvironment:   o.Environment,
		LabelLayer:         layer,
		LabelComponent:     component,
	}
}

// UsageComponent is the component (the composition resource name, and so the
// component label) of the Usage that keeps of until by is gone:
// usage-<of>-by-<by>. A label value holds at most 63 characters, and the API
// server refuses a longer one, so a longer name keeps its first characters
// and ends with a hash of the whole: two pairs never share a component.
func UsageComponent(of, by string) string {
	c := "usage-" + of + "-by-" + by
	if len(c) <= validation.LabelValueMaxLength {
		return c
	}
	h := shortHash("usage:" + c)
	return strings.TrimRight(c[:validation.LabelValueMaxLength-len(h)-1], "-") + "-" + h
}

// ZoneSuffix is the short form of an availability zone used in names
// (ap-northeast-1a -> a).
func ZoneSuffix(zone string) string {
	if zone == "" {
		return ""
	}
	return zone[len(zone)-1:]
}

// KeyedComponent is a composition resource name for one value of key: a
// resource whose AWS identity follows from key gets a new name, hence a new
// managed resource, when key changes, and Crossplane deletes the old one.
func KeyedComponent(base, key string) string { return base + "-" + shortHash(key) }
