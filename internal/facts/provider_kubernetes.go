package facts

import "slices"

// ProviderKubernetesFacts: what provider-kubernetes' Object controller writes,
// which the workloads layer reads (the migration Job, the Ingress's load
// balancer) and the AWS simulator plays.
type ProviderKubernetesFacts struct {
	Version string `json:"version"`
	// ObservedManifest is the field path of an Object where the controller
	// writes the object it observed in the cluster.
	ObservedManifest string `json:"observedManifest"`
	// ReadyFromObservedManifest are the readiness policies whose Ready
	// condition the controller derives from the observed object in the same
	// status update that writes ObservedManifest: Ready and that manifest
	// always describe the same object.
	ReadyFromObservedManifest []string `json:"readyFromObservedManifest"`
	// ReferencePatchPrefix is what the controller puts in front of a
	// reference's toFieldPath (spec.references[].toFieldPath is relative
	// to the manifest).
	ReferencePatchPrefix string `json:"referencePatchPrefix"`
	// PollSeconds is how often the controller looks again at an Object it
	// does not watch (spec.watch; watches are on by default).
	PollSeconds int `json:"pollSeconds"`
	// ManifestTopLevelFields are, per manifest kind, the top-level fields
	// the API server's schema declares: server-side apply refuses any other.
	ManifestTopLevelFields map[string][]string `json:"manifestTopLevelFields"`
	Source                 Source              `json:"source"`
}

// ReadyWithManifest reports whether an Object with the readiness policy has
// its Ready condition written together with ObservedManifest.
func (f ProviderKubernetesFacts) ReadyWithManifest(policy string) bool {
	return slices.Contains(f.ReadyFromObservedManifest, policy)
}

// ProviderKubernetes is loaded from data/provider-kubernetes.yaml.
var ProviderKubernetes = mustLoad[ProviderKubernetesFacts]("provider-kubernetes.yaml")
