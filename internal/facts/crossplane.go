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
