package facts

// CrossplaneFacts: what the pinned Crossplane core exports and accepts, for the
// management-cluster ops pack (alert rules, dashboard, tuned settings), and
// how Crossplane starts the function.
type CrossplaneFacts struct {
	Version string `json:"version"`
	// Metrics maps a Prometheus metric name Crossplane core exports to its labels.
	Metrics map[string][]string `json:"metrics"`
	Source  Source              `json:"source"`
	// FunctionRuntime is how Crossplane starts a function; its command line
	// must accept it.
	FunctionRuntime FunctionRuntime `json:"functionRuntime"`
	// Usages is how Crossplane enforces a Usage.
	Usages Usages `json:"usages"`
	// MetricsScrape is how the pinned Crossplane Helm chart exposes core's
	// metrics; the ops pack's PodMonitor scrapes them.
	MetricsScrape MetricsScrape `json:"metricsScrape"`
	// ManagementPolicies is why the composed provider-aws resources keep
	// the default spec.managementPolicies.
	ManagementPolicies ManagementPolicies `json:"managementPolicies"`
	// RequiredResources is how Crossplane serves a composition function's
	// required resources, which the environment's same-claim guard uses.
	RequiredResources RequiredResources `json:"requiredResources"`
	// ClaimSync is what a claim takes from its XR.
	ClaimSync ClaimSync `json:"claimSync"`
}

// RequiredResources: Crossplane calls a function again, in the same
// reconcile, with the resources it asked for; from Since on it also seeds
// them into the next reconcile's first call and re-queues the XR when one of
// them changes.
type RequiredResources struct {
	// Since is the first Crossplane release that watches required resources;
	// the packages require at least it.
	Since string `json:"since"`
	// MaxIterations is how often Crossplane calls a step again within one
	// reconcile before it gives up on requirements that do not settle.
	MaxIterations int `json:"maxIterations"`
	// ClaimLabels are the labels Crossplane puts on every resource composed
	// under a claim's XR, at every depth.
	ClaimLabels []string `json:"claimLabels"`
	Source      Source   `json:"source"`
}

// ClaimSync: a claim's Synced is its own (its sync with the XR); of the
// XR's conditions it copies only the types the function set.
type ClaimSync struct {
	OwnSynced bool   `json:"ownSynced"`
	Source    Source `json:"source"`
}

// ManagementPolicies: what provider-aws does with spec.managementPolicies,
// and why the composed resources keep the default (["*"]): upjet saves the
// external name an async resource gets from AWS (a VPC id, a KMS key id, an
// RDS resource id) only through late initialization, so a set without
// LateInitialize leaves those names unset, references to them unresolved,
// and a restarted provider creating duplicates. What late initialization
// pins instead is handled where it matters (LateInitialized).
type ManagementPolicies struct {
	// EnabledByDefault: provider-aws honours spec.managementPolicies unless
	// started with --enable-management-policies=false.
	EnabledByDefault bool `json:"enabledByDefault"`
	// LateInitializeRequired says why LateInitialize stays.
	LateInitializeRequired string `json:"lateInitializeRequired"`
	// FeatureOff lists the provider-aws kinds (group/Kind) whose controller
	// runs without the feature: it refuses any policies but the default.
	FeatureOff []string `json:"featureOff"`
	// LateInitialized lists fields provider-aws v1.23.0 writes back, what
	// each would break, and how the package handles it.
	LateInitialized []LateInitializedField `json:"lateInitialized"`
	Source          Source                 `json:"source"`
}

// LateInitializedField is one field of a kind the provider late-initializes.
type LateInitializedField struct {
	Kind   string `json:"kind"`
	Field  string `json:"field"`
	Breaks string `json:"breaks"`
	// Handled says what the package does about it ("" if nothing yet).
	Handled string `json:"handled"`
}

// MetricsScrape is what the Crossplane Helm chart puts on core's pods for
// its metrics: nothing a Prometheus Operator discovers by itself (pod
// annotations only), so a PodMonitor selects the pods and names the port.
type MetricsScrape struct {
	// ValuesKey is the chart value that turns the metrics port on.
	ValuesKey string `json:"valuesKey"`
	// PodLabels are labels of core's pods (not the RBAC manager's) with a
	// fixed value for the chart as installed (no nameOverride).
	PodLabels map[string]string `json:"podLabels"`
	// ReleaseLabel is the pod label whose value is the Helm release name.
	ReleaseLabel string `json:"releaseLabel"`
	// Port is the name of the metrics container port; Path its HTTP path.
	Port   string `json:"port"`
	Path   string `json:"path"`
	Source Source `json:"source"`
}

// Usages is how Crossplane core's Usage controller and admission webhook
// protect a used resource (the e2e harness serves the webhook from them).
type Usages struct {
	// WebhookConfiguration is the ValidatingWebhookConfiguration core init
	// installs; WebhookPath its webhook's path on the webhook server.
	WebhookConfiguration string `json:"webhookConfiguration"`
	WebhookPath          string `json:"webhookPath"`
	// InUseLabel is the label the controller puts on a used resource; the
	// webhook sees only DELETEs of objects that carry it with "true".
	InUseLabel string `json:"inUseLabel"`
	// WaitPollSeconds is how often a composed Usage being deleted looks
	// again whether its user is gone (it does not watch the user).
	WaitPollSeconds int `json:"waitPollSeconds"`
	// ReplayDelaySeconds is how long after its Usage goes the controller
	// replays a refused deletion (replayDeletion: true).
	ReplayDelaySeconds int    `json:"replayDelaySeconds"`
	Source             Source `json:"source"`
}

// FunctionRuntime is what each starter of a function passes it.
type FunctionRuntime struct {
	// TLSServerCertsEnv names the variable the package runtime sets to the
	// directory where it mounts the function's TLS server certificate, CA
	// and key; TLSServerCertsDir is that directory.
	TLSServerCertsEnv string `json:"tlsServerCertsEnv"`
	TLSServerCertsDir string `json:"tlsServerCertsDir"`
	// PackageRuntimeArgs are the arguments of the package runtime's
	// Deployment: none, the image's entrypoint alone (a
	// DeploymentRuntimeConfig may add some).
	PackageRuntimeArgs []string `json:"packageRuntimeArgs"`
	// RenderDockerArgs are what crossplane render's Docker runtime passes.
	RenderDockerArgs []string `json:"renderDockerArgs"`
	Source           Source   `json:"source"`
}

// Crossplane is loaded from data/crossplane.yaml.
var Crossplane = mustLoad[CrossplaneFacts]("crossplane.yaml")
