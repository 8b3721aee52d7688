package facts

// IAMFacts: the IAM actions each in-cluster controller calls, as its own
// upstream policy file grants them at the pinned version. Owner: cluster
// (IRSA) and workloads layers; the simulator checks IRSA roles against them.
type IAMFacts struct {
	Controllers map[string]ControllerPolicy `json:"controllers"`
}

// ControllerPolicy is the upstream IAM policy of one controller version.
type ControllerPolicy struct {
	Version string   `json:"version"`
	Actions []string `json:"actions"`
	Source  Source   `json:"source"`
}

// IAM is loaded from data/iam.yaml.
var IAM = mustLoad[IAMFacts]("iam.yaml")
