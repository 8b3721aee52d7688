package mr

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

// ClusterUsageGVK is Crossplane's cluster-scoped Usage (managed resources
// are cluster-scoped). Checked against the core CRDs of v2.2.1 and v2.4.0
// (cluster/crds/protection.crossplane.io_clusterusages.yaml, served and
// stored as v1beta1).
var ClusterUsageGVK = schema.GroupVersionKind{Group: "protection.crossplane.io", Version: "v1beta1", Kind: "ClusterUsage"}

// ClusterUsage is the content of a ClusterUsage: of may not be deleted while
// by exists. With replayDeletion, deleting the Usage (once by is gone)
// replays the deletion of of that it blocked, so of goes at once instead of
// on the garbage collector's back-off.
func ClusterUsage(of, by map[string]any) map[string]any {
	return map[string]any{
		"apiVersion": ClusterUsageGVK.GroupVersion().String(),
		"kind":       ClusterUsageGVK.Kind,
		"spec":       map[string]any{"of": of, "by": by, "replayDeletion": true},
	}
}

// LocalRef is a Usage's of or by: the resource of a component composed by
// the same XR.
func LocalRef(apiVersion, kind, component string) map[string]any {
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "resourceSelector": map[string]any{
		"matchControllerRef": true,
		"matchLabels":        map[string]any{naming.LabelComponent: component},
	}}
}

// EnvironmentRef is a Usage's of or by in another layer of the same
// environment: the resource of that kind with the environment id label and
// labels (an XR the environment composes needs none: it is the only one of
// its kind).
func EnvironmentRef(apiVersion, kind, environmentID string, labels map[string]string) map[string]any {
	match := map[string]any{naming.LabelEnvironmentID: environmentID}
	for k, v := range labels {
		match[k] = v
	}
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "resourceSelector": map[string]any{"matchLabels": match}}
}
