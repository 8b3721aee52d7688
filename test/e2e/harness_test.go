//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/gokinjo/platform/internal/facts"
	"github.com/gokinjo/platform/internal/ociimage"
	"github.com/gokinjo/platform/internal/xpkgbuild"
	"github.com/gokinjo/platform/test/e2e/simulator"
)

// Where things run inside the test's network namespace.
const (
	registryAddr     = "127.0.0.1:5000"
	functionAddr     = "127.0.0.1:9443"
	crossplaneNS     = "crossplane-system"
	functionName     = xpkgbuild.FunctionRefName // as Crossplane's dependency resolver names it
	crossplaneMetric = "http://127.0.0.1:8080/metrics"
)

// harness is the local management cluster and everything the test runs.
type harness struct {
	t                    *testing.T
	ctx                  context.Context
	root, bin, out, work string
	logs, kubeconfig     string
	env                  *envtest.Environment
	c                    *clients
	crossplane, kcm, reg *process
	fn                   *process
	fnMu                 sync.Mutex    // guards fn against the memory sampler
	fnPeaks              residentPeaks // memory_test.go
	fnBin, fnCerts       string
	sim                  *simulator.Simulator
	figs                 *figures
	stopSim, stopRuntime context.CancelFunc
}

func newHarness(t *testing.T, ctx context.Context) *harness {
	root := repoRoot()
	h := &harness{t: t, ctx: ctx, root: root, bin: filepath.Join(root, "bin"), out: filepath.Join(root, "_output", "e2e"), figs: &figures{}}
	h.logs = filepath.Join(h.out, "logs")
	_ = os.RemoveAll(h.out)
	for _, d := range []string{h.out, h.logs} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	w, err := os.MkdirTemp("", "gokinjo-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	h.work = w
	t.Cleanup(h.teardown)
	return h
}

func (h *harness) step(name string, f func() error) {
	h.t.Helper()
	start := time.Now()
	if err := f(); err != nil {
		h.t.Fatalf("%s: %v", name, err)
	}
	h.t.Logf("step %-40s %6.1fs", name, time.Since(start).Seconds())
}

// teardown stops everything, also on failure, newest first.
func (h *harness) teardown() {
	if h.stopRuntime != nil {
		h.stopRuntime()
	}
	if h.stopSim != nil {
		h.stopSim()
	}
	for _, p := range []*process{h.fn, h.crossplane, h.kcm, h.reg} {
		p.stop()
	}
	if h.env != nil {
		if err := h.env.Stop(); err != nil {
			h.t.Logf("stop control plane: %v", err)
		}
	}
	if h.t.Failed() {
		h.t.Logf("logs kept in %s; work dir %s", h.logs, h.work)
		return
	}
	_ = os.RemoveAll(h.work)
}

// startControlPlane starts etcd and kube-apiserver (envtest). No CRD is
// installed here: Crossplane installs its own (core init) and the providers'
// (from their packages).
func (h *harness) startControlPlane() error {
	h.env = &envtest.Environment{
		BinaryAssetsDirectory:    h.bin,
		ControlPlaneStartTimeout: 3 * time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
	}
	args := h.env.ControlPlane.GetAPIServer().Configure().Set("advertise-address", "127.0.0.1")
	audit, err := h.auditFlags() // diagnostics_test.go
	if err != nil {
		return err
	}
	for k, v := range audit {
		args.Set(k, v)
	}
	cfg, err := h.env.Start()
	if err != nil {
		return err
	}
	user, err := h.env.AddUser(envtest.User{Name: "gokinjo-e2e-admin", Groups: []string{"system:masters"}}, cfg)
	if err != nil {
		return err
	}
	kc, err := user.KubeConfig()
	if err != nil {
		return err
	}
	h.kubeconfig = filepath.Join(h.work, "kubeconfig")
	if err := os.WriteFile(h.kubeconfig, kc, 0o600); err != nil {
		return err
	}
	// Kept for a human to poke at a failed run: KUBECONFIG=_output/e2e/kubeconfig
	// only works inside the test's network namespace while it runs.
	_ = os.WriteFile(filepath.Join(h.out, "kubeconfig"), kc, 0o600)
	h.c, err = newClients(user.Config())
	return err
}

// startCrossplane runs crossplane core init, then core start with the
// External package runtime and the Usage webhook served on 127.0.0.1
// (webhook_test.go).
func (h *harness) startCrossplane() error {
	if err := h.c.ensureNamespace(h.ctx, crossplaneNS); err != nil {
		return err
	}
	env := []string{
		"KUBECONFIG=" + h.kubeconfig,
		"POD_NAMESPACE=" + crossplaneNS,
		"CRDS_PATH=" + os.Getenv(envCoreCRDs),
		"TLS_CA_SECRET_NAME=crossplane-root-ca",
		"TLS_CLIENT_SECRET_NAME=crossplane-tls-client",
	}
	env = append(env, webhookInitEnv(os.Getenv(envCoreCRDs))...)
	cli := filepath.Join(h.bin, "crossplane-core")
	// core init installs the core CRDs and then applies a Lock at once; on a
	// busy machine the new CRD may not be served yet ("no matches for kind
	// Lock"). Init is idempotent: run it again.
	for try := 1; ; try++ {
		// --activation=* is what the Helm chart passes by default
		// (provider.defaultActivations): it activates the managed resources
		// of SafeStart providers (provider-kubernetes, provider-helm).
		cmd := exec.CommandContext(h.ctx, cli, "core", "init", "--activation=*")
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err == nil {
			break
		}
		if try == 5 {
			return fmt.Errorf("crossplane core init: %w\n%s", err, out)
		}
		h.t.Logf("crossplane core init (try %d): %v; retrying", try, err)
		time.Sleep(2 * time.Second)
	}
	webhookEnv, err := h.serveWebhookLocally(h.ctx)
	if err != nil {
		return err
	}
	env = append(env, webhookEnv...)
	sec, err := h.c.kube.CoreV1().Secrets(crossplaneNS).Get(h.ctx, "crossplane-tls-client", metav1.GetOptions{})
	if err != nil {
		return err
	}
	clientDir := filepath.Join(h.work, "tls-client")
	if err := writeFiles(clientDir, sec.Data); err != nil {
		return err
	}
	env = append(env,
		"PACKAGE_RUNTIME=External",
		"TLS_CLIENT_CERTS_DIR="+clientDir,
		"XPKG_CACHE_DIR="+filepath.Join(h.work, "xpkg-cache"),
		"XFN_CACHE_DIR="+filepath.Join(h.work, "xfn-cache"),
	)
	for _, d := range []string{"xpkg-cache", "xfn-cache"} {
		if err := os.MkdirAll(filepath.Join(h.work, d), 0o755); err != nil {
			return err
		}
	}
	args := []string{"core", "start", "--debug"}
	// Crossplane runs with the args of the Helm values the doc installs it
	// with (the tuned circuit breaker), so the e2e measures what ships.
	values, err := crossplaneValuesArgs(h.root)
	if err != nil {
		return err
	}
	args = append(args, values...)
	// E2E_CROSSPLANE_ARGS adds flags, e.g. to measure other breaker settings.
	args = append(args, strings.Fields(os.Getenv("E2E_CROSSPLANE_ARGS"))...)
	h.crossplane = startProcess(h.t, h.logs, "crossplane", env, cli, args...)
	if err := waitTCP(h.ctx, "127.0.0.1:8081"); err != nil {
		return err
	}
	return h.webhookServes(h.ctx)
}

// startKCM starts kube-controller-manager for garbage collection and
// namespace deletion.
func (h *harness) startKCM() error {
	h.kcm = startProcess(h.t, h.logs, "kube-controller-manager", nil, filepath.Join(h.bin, "kube-controller-manager"),
		"--kubeconfig="+h.kubeconfig,
		"--authentication-kubeconfig="+h.kubeconfig,
		"--authorization-kubeconfig="+h.kubeconfig,
		"--controllers=garbage-collector-controller,namespace-controller",
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
		"--secure-port=10257",
	)
	return waitTCP(h.ctx, "127.0.0.1:10257")
}

// publishPackages serves a local OCI registry (crane registry serve) and
// publishes to it what the doc installs, under the packages' real names: the
// function and configuration as make publish builds them (at the version
// examples/management/configuration.yaml installs, under ghcr.io/gokinjo's
// repository paths), and the provider packages of providers.yaml. It returns
// every package reference as the management cluster names it.
func (h *harness) publishPackages() ([]string, error) {
	h.reg = startProcess(h.t, h.logs, "registry", nil, filepath.Join(h.bin, "crane"), "registry", "serve", "--address", registryAddr)
	if err := waitTCP(h.ctx, registryAddr); err != nil {
		return nil, err
	}
	cfg, err := readYAMLObjects(filepath.Join(h.root, "examples", "management", "configuration.yaml"))
	if err != nil {
		return nil, err
	}
	installRef, _, _ := unstructured.NestedString(cfg[0].Object, "spec", "package")
	version := installRef[strings.LastIndex(installRef, ":")+1:]
	// One arch is enough here; make publish builds them all.
	xpkgbuild.Arches = []string{runtime.GOARCH}
	b := &xpkgbuild.Builder{
		CLI: filepath.Join(h.bin, "crossplane"), Go: "go", Root: h.root,
		Out: filepath.Join(h.work, "packages"), Registry: mirrorRegistry(xpkgbuild.DefaultRegistry), Version: version,
	}
	p, err := b.Build(h.ctx)
	if err != nil {
		return nil, err
	}
	refs, err := b.Publish(h.ctx, p, "")
	if err != nil {
		return nil, err
	}
	if refs.InstallConfiguration != installRef {
		return nil, fmt.Errorf("configuration.yaml installs %s, the builder publishes %s", installRef, refs.InstallConfiguration)
	}
	h.t.Logf("published %s as %s and %s", installRef, refs.Configuration, refs.Function)
	providers, err := h.publishProviders()
	if err != nil {
		return nil, err
	}
	return append(providers, installRef), nil
}

// playRuntimes is the External package runtime: it runs the function with
// mTLS certificates signed by Crossplane's root CA and keeps every
// FunctionRevision of the Function Crossplane's resolver creates pointing at
// it, and it plays the providers' runtime (playProviderRuntime).
func (h *harness) playRuntimes() error {
	h.fnBin = filepath.Join(h.work, "function-gokinjo")
	// Built as the package builder builds it, so the build cache is shared.
	if err := ociimage.GoBuild(h.ctx, "go", h.root, "./functions/gokinjo", h.fnBin, runtime.GOARCH); err != nil {
		return err
	}
	ca, err := h.c.kube.CoreV1().Secrets(crossplaneNS).Get(h.ctx, "crossplane-root-ca", metav1.GetOptions{})
	if err != nil {
		return err
	}
	h.fnCerts = filepath.Join(h.work, "tls-function")
	files, err := localServerCerts("function-gokinjo", ca.Data[corev1.TLSCertKey], ca.Data[corev1.TLSPrivateKeyKey], h.fnCerts)
	if err != nil {
		return err
	}
	secretName := functionName + "-tls-server"
	sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: secretName, Namespace: crossplaneNS}, Type: corev1.SecretTypeOpaque, Data: files}
	if _, err := h.c.kube.CoreV1().Secrets(crossplaneNS).Create(h.ctx, sec, metav1.CreateOptions{}); err != nil && !kerrors.IsAlreadyExists(err) {
		return err
	}
	h.startFunction()

	ctx, cancel := context.WithCancel(h.ctx)
	h.stopRuntime = cancel
	revisions := h.c.dyn.Resource(schema.GroupVersionResource{Group: "pkg.crossplane.io", Version: "v1", Resource: "functionrevisions"})
	point := func() {
		l, err := revisions.List(ctx, metav1.ListOptions{LabelSelector: "pkg.crossplane.io/package=" + functionName})
		if err != nil {
			return
		}
		for i := range l.Items {
			r := &l.Items[i]
			ep, _, _ := unstructured.NestedString(r.Object, "status", "endpoint")
			sn, _, _ := unstructured.NestedString(r.Object, "status", "tlsServerSecretName")
			if ep == functionAddr && sn == secretName && isTrue(r, "RuntimeHealthy") {
				continue
			}
			_ = unstructured.SetNestedField(r.Object, functionAddr, "status", "endpoint")
			_ = unstructured.SetNestedField(r.Object, secretName, "status", "tlsServerSecretName")
			setCondition(r, map[string]any{"type": "RuntimeHealthy", "status": "True", "reason": "HealthyPackageRevision",
				"message": "function-gokinjo is run by the e2e test harness (External runtime)"})
			_, _ = revisions.UpdateStatus(ctx, r, metav1.UpdateOptions{})
		}
	}
	go func() {
		for ctx.Err() == nil {
			point()
			time.Sleep(time.Second)
		}
	}()
	go h.playProviderRuntime(ctx, files)
	return nil
}

// function is the process playing the function now; scenarios restart it
// while the memory sampler reads it.
func (h *harness) function() *process {
	h.fnMu.Lock()
	defer h.fnMu.Unlock()
	return h.fn
}

func (h *harness) startFunction() {
	// The runtime environment of the function's image, and E2E_FUNCTION_ENV
	// to measure others (e.g. GODEBUG=gctrace=1).
	// TLS as the package runtime gives it, in the directory of our certificates.
	env := append([]string{facts.Crossplane.FunctionRuntime.TLSServerCertsEnv + "=" + h.fnCerts}, xpkgbuild.FunctionEnv...)
	env = append(env, strings.Fields(os.Getenv("E2E_FUNCTION_ENV"))...)
	fn := startProcess(h.t, h.logs, "function-gokinjo", env, h.fnBin,
		"--address="+functionAddr, "--debug")
	h.fnMu.Lock()
	h.fn = fn
	h.fnMu.Unlock()
}

func setCondition(u *unstructured.Unstructured, c map[string]any) {
	c["lastTransitionTime"] = time.Now().UTC().Format(time.RFC3339)
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	out := []any{c}
	for _, x := range conds {
		if m, ok := x.(map[string]any); ok && m["type"] == c["type"] {
			continue
		}
		out = append(out, x)
	}
	_ = unstructured.SetNestedSlice(u.Object, out, "status", "conditions")
}

// waitXRDs waits for every XRD to be Established and, with a claim, Offered.
func (h *harness) waitXRDs() error {
	xrds := h.c.dyn.Resource(schema.GroupVersionResource{Group: "apiextensions.crossplane.io", Version: "v1", Resource: "compositeresourcedefinitions"})
	return poll(h.ctx, 3*time.Minute, time.Second, func() (bool, error) {
		l, err := xrds.List(h.ctx, metav1.ListOptions{})
		if err != nil || len(l.Items) == 0 {
			return false, err
		}
		for i := range l.Items {
			x := &l.Items[i]
			if !isTrue(x, "Established") {
				return false, fmt.Errorf("XRD %s not established: %v", x.GetName(), conditions(x))
			}
			if _, claims, _ := unstructured.NestedMap(x.Object, "spec", "claimNames"); claims && !isTrue(x, "Offered") {
				return false, fmt.Errorf("XRD %s claim not offered: %v", x.GetName(), conditions(x))
			}
		}
		return true, nil
	})
}

func conditions(u *unstructured.Unstructured) string {
	if u == nil {
		return "<none>"
	}
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	var s []string
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok {
			s = append(s, fmt.Sprintf("%v=%v(%v: %v)", m["type"], m["status"], m["reason"], m["message"]))
		}
	}
	return strings.Join(s, "; ")
}

// startSimulator runs the AWS simulator for every managed-resource kind the
// golden renders hold plus provider-kubernetes Objects and provider-helm
// Releases (not Crossplane's Usages, which Crossplane itself serves).
func (h *harness) startSimulator(delay time.Duration) error {
	kinds, err := goldenKinds()
	if err != nil {
		return err
	}
	// The version the function composes at: the provider CRDs are installed
	// without their conversion webhooks (no provider runs), so the simulator
	// must read and write each kind at the version Crossplane applies.
	for _, gk := range []string{"kubernetes.crossplane.io/Object", "helm.crossplane.io/Release"} {
		if kinds[gk] == "" {
			kinds[gk] = "*"
		}
	}
	var gvrs []schema.GroupVersionResource
	for gk, version := range kinds {
		g, k, _ := strings.Cut(gk, "/")
		// Crossplane's own kinds: its Usage controller and webhook run for
		// real (webhook_test.go).
		if g == "platform.gokinjo.io" || g == "protection.crossplane.io" || k == "ProviderConfig" {
			continue
		}
		var versions []string
		if version != "*" {
			versions = []string{version}
		}
		// A provider revision establishes its CRDs shortly after the
		// package reports Healthy: wait for each (the mapper caches
		// discovery, so reset it between tries).
		var m *meta.RESTMapping
		err := poll(h.ctx, 2*time.Minute, time.Second, func() (bool, error) {
			var err error
			if m, err = h.c.mapper.RESTMapping(schema.GroupKind{Group: g, Kind: k}, versions...); err != nil {
				h.c.mapper.Reset()
				return false, nil // Not there yet: try again.
			}
			return true, nil
		})
		if err != nil {
			return fmt.Errorf("no CRD for %s after 2 minutes: %w", gk, err)
		}
		gvrs = append(gvrs, m.Resource)
	}
	lf, err := os.Create(filepath.Join(h.logs, "aws-simulator.log"))
	if err != nil {
		return err
	}
	h.sim = simulator.New(h.c.dyn, h.c.kube, gvrs, delay, slog.New(slog.NewTextHandler(lf, nil)))
	h.strictSimulator()
	ctx, cancel := context.WithCancel(h.ctx)
	h.stopSim = cancel
	go h.sim.Run(ctx)
	h.t.Logf("AWS simulator watching %d managed-resource kinds, delay %s", len(gvrs), delay)
	return nil
}

// functionCalls is Crossplane's count of RunFunction requests.
func (h *harness) functionCalls() int {
	resp, err := http.Get(crossplaneMetric)
	if err != nil {
		return -1
	}
	defer resp.Body.Close() // Read only.
	b, _ := io.ReadAll(resp.Body)
	total := 0.0
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "function_run_function_request_total") {
			var v float64
			f := strings.Fields(l)
			if _, err := fmt.Sscan(f[len(f)-1], &v); err == nil {
				total += v
			}
		}
	}
	return int(total)
}

// functionLogCalls counts the RunFunction calls the function logged.
func (h *harness) functionLogCalls() int {
	b, _ := os.ReadFile(filepath.Join(h.logs, "function-gokinjo.log"))
	return strings.Count(string(b), "\tComposed\t") + strings.Count(string(b), "\tRefusing to compose\t")
}

// functionLogCallsFor counts the RunFunction calls the function logged for
// one claim's XR tree: its XEnvironment (xrName) and the nested XRs, whose
// names Crossplane derives from it (<xrName>-<hash>).
func (h *harness) functionLogCallsFor(xrName string) int {
	b, _ := os.ReadFile(filepath.Join(h.logs, "function-gokinjo.log"))
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.Contains(l, "\tComposed\t") && !strings.Contains(l, "\tRefusing to compose\t") {
			continue
		}
		if strings.Contains(l, `"xr-name": "`+xrName+`"`) || strings.Contains(l, `"xr-name": "`+xrName+`-`) {
			n++
		}
	}
	return n
}

// crossplaneValuesArgs reads the extra Crossplane args of the Helm values
// in examples/management/crossplane-values.yaml (the chart's args value).
func crossplaneValuesArgs(root string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(root, "examples", "management", "crossplane-values.yaml"))
	if err != nil {
		return nil, err
	}
	var v struct {
		Args []string `json:"args"`
	}
	if err := yaml.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("examples/management/crossplane-values.yaml: %w", err)
	}
	return v.Args, nil
}
