package naming

import (
	"strings"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Every AWS and management-cluster name of an environment is made here, from
// its Prefix (docs/naming.md), so names are unique per claim and no layer
// can drift from another. Fixed parts are short constants: the longest name
// stays within every AWS limit (facts/data/limits.yaml; the rendertree
// tests check every rendered name against them).

// AWSName is the Name tag and, where AWS takes a name, the external name of a
// resource: <prefix>-<parts...>.
func AWSName(o v1alpha1.Owner, parts ...string) string {
	return strings.Join(append([]string{Prefix(o)}, parts...), "-")
}

// ClusterName is the EKS cluster of the environment: the prefix itself. It
// also names the ProviderConfigs that reach the cluster and its kubeconfig
// secret in the management cluster.
func ClusterName(o v1alpha1.Owner) string { return Prefix(o) }

// ObjectName is the name of a cluster-scoped object in the management
// cluster (a provider-kubernetes Object, a provider-helm Release) for a
// component: <prefix>-<component>.
func ObjectName(o v1alpha1.Owner, component string) string { return AWSName(o, component) }

// SecretName is a management-cluster Secret of the environment (connection
// secrets, the database password): <prefix>-<parts...>.
func SecretName(o v1alpha1.Owner, parts ...string) string { return AWSName(o, parts...) }

// LogGroupName is a CloudWatch Logs group of an app: /gokinjo/<env>/<app>,
// with the hash as a path element for new environments
// (/gokinjo/<env>/<hash>/<app>).
func LogGroupName(o v1alpha1.Owner, app string) string {
	n := "/" + project + "/" + o.Environment + "/"
	if h := strings.TrimPrefix(hashPart(o), "-"); h != "" {
		n += h + "/"
	}
	return n + app
}

// FinalSnapshotName is the final DB snapshot RDS takes when the instance
// identifier is deleted: <identifier>-final-<hash of the XEnvironment>.
// Snapshot names are unique per account and region and outlive the
// instance, so a fixed <identifier>-final would collide
// (DBSnapshotAlreadyExists, a deletion that never finishes) when a claim
// re-created with the same names (its XEnvironment has a new name) is
// deleted again.
func FinalSnapshotName(o v1alpha1.Owner, identifier string) string {
	return identifier + "-final-" + shortHash("snapshot:"+o.EnvironmentID)
}
