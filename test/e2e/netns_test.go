//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/gokinjo/platform/internal/schemavalidate"
)

// Environment variables between the outer test process and the one re-run
// inside the network namespace.
const (
	envInNetns   = "E2E_IN_NETNS"
	envNoNetns   = "E2E_NO_NETNS"          // set to run in the host network namespace
	envProviders = "E2E_PROVIDER_PACKAGES" // staged provider package roots
	envCoreCRDs  = "E2E_CORE_CRDS"
	envNetnsFile = "E2E_NETNS_FILE"
)

// CrossplaneCoreVersion is the pinned Crossplane core of the management cluster.
const CrossplaneCoreVersion = "v2.4.0"

// TestMain prepares what needs the network (CRDs from the module cache or
// proxy), then re-runs the test binary inside a network namespace of its
// own (unshare -n, loopback up): Crossplane binds :8080/:8081 on every
// interface, the registry and the function bind 127.0.0.1 ports, and none
// of it may collide with other work on the machine. When the namespace's
// last process exits, the namespace is gone; the outer process then checks
// that no process of it is left.
func TestMain(m *testing.M) {
	ctrllog.SetLogger(logr.Discard()) // envtest logs nothing we need.
	if os.Getenv(envInNetns) != "" {
		os.Exit(m.Run())
	}
	if err := prepare(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: prepare:", err)
		os.Exit(2)
	}
	if os.Getenv(envNoNetns) != "" {
		os.Setenv(envInNetns, "host") // Always works.
		os.Exit(m.Run())
	}
	os.Exit(reexecInNetns())
}

func reexecInNetns() int {
	nsFile := filepath.Join(os.TempDir(), fmt.Sprintf("gokinjo-e2e-netns-%d", os.Getpid()))
	args := append([]string{"-n", "--", "/bin/sh", "-c", `ip link set lo up && readlink /proc/self/ns/net > "$` + envNetnsFile + `" && exec "$@"`, "sh", os.Args[0]}, os.Args[1:]...)
	cmd := exec.Command("unshare", args...)
	cmd.Stdout, cmd.Stderr, cmd.Stdin = os.Stdout, os.Stderr, os.Stdin
	cmd.Env = append(os.Environ(), envInNetns+"=1", envNetnsFile+"="+nsFile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	rc := 0
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			rc = ee.ExitCode()
		} else {
			fmt.Fprintln(os.Stderr, "e2e: unshare -n:", err)
			return 2
		}
	}
	// Nothing may outlive the test: every process of the namespace is gone.
	if ns, err := os.ReadFile(nsFile); err == nil {
		_ = os.Remove(nsFile)
		if left := processesInNetns(strings.TrimSpace(string(ns))); len(left) > 0 {
			fmt.Fprintf(os.Stderr, "e2e: processes left behind in the test's network namespace: %v (killed)\n", left)
			for _, p := range left {
				_ = syscall.Kill(p.pid, syscall.SIGKILL)
			}
			if rc == 0 {
				rc = 3
			}
		} else {
			fmt.Println("e2e: teardown: no process left in the test's network namespace")
		}
	}
	return rc
}

type proc struct {
	pid  int
	comm string
}

func (p proc) String() string { return fmt.Sprintf("%d(%s)", p.pid, p.comm) }

func processesInNetns(ns string) []proc {
	var out []proc
	// Give exiting processes a moment.
	for try := 0; try < 10; try++ {
		out = nil
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			var pid int
			if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil {
				continue
			}
			if l, err := os.Readlink(filepath.Join("/proc", e.Name(), "ns", "net")); err == nil && l == ns {
				comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
				out = append(out, proc{pid, strings.TrimSpace(string(comm))})
			}
		}
		if len(out) == 0 {
			return nil
		}
		time.Sleep(500 * time.Millisecond)
	}
	return out
}

// prepare stages the provider packages (built later, inside the network
// namespace, and published to the local registry) from the providers'
// real CRDs and package metadata at the versions providers.yaml pins, and
// locates Crossplane core's CRDs, all from the module cache (go mod download
// fetches them through the module proxy on a fresh machine).
func prepare() error {
	dir, err := os.MkdirTemp("", "gokinjo-e2e-providers-")
	if err != nil {
		return err
	}
	if err := stageProviderPackages(dir); err != nil {
		return err
	}
	core, err := schemavalidate.Download(context.Background(), "github.com/crossplane/crossplane/v2@"+CrossplaneCoreVersion)
	if err != nil {
		return err
	}
	os.Setenv(envProviders, dir)                                       // Always works.
	os.Setenv(envCoreCRDs, filepath.Join(core.Dir, "cluster", "crds")) // Always works.
	return nil
}

// keep reports whether a CRD is one to stage: every CRD but the provider-aws
// ones the golden renders do not use.
func (k goldenKindSet) keep(crd []byte) bool {
	group, kind := crdGroupKind(crd)
	return !strings.HasSuffix(group, ".aws.upbound.io") || k[group+"/"+kind] != ""
}

// crdGroupKind reads spec.group and spec.names.kind of a CRD without a YAML
// parser: both are the first "group:" and "kind:" lines under spec.
func crdGroupKind(b []byte) (string, string) {
	var group, kind string
	inSpec := false
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "spec:") {
			inSpec = true
			continue
		}
		if !inSpec {
			continue
		}
		t := strings.TrimSpace(l)
		if group == "" && strings.HasPrefix(l, "  group: ") {
			group = strings.TrimPrefix(t, "group: ")
		}
		if kind == "" && strings.HasPrefix(l, "    kind: ") {
			kind = strings.TrimPrefix(t, "kind: ")
		}
	}
	return group, kind
}

// goldenKindSet maps group/kind of every object in the golden renders to
// the version the function composes them at.
type goldenKindSet map[string]string

// goldenKinds are group/kind of every object in the golden renders, with
// the version the function composes them at.
func goldenKinds() (goldenKindSet, error) {
	files, err := filepath.Glob(filepath.Join(repoRoot(), "internal", "rendertree", "testdata", "golden", "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no golden renders: %v", err)
	}
	kinds := goldenKindSet{}
	for _, f := range files {
		objs, err := readYAMLObjects(f)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			kinds[o.GroupVersionKind().Group+"/"+o.GetKind()] = o.GroupVersionKind().Version
		}
	}
	return kinds, nil
}

func repoRoot() string {
	wd, _ := os.Getwd()
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}
