// Package xpkgbuild builds and publishes the project's Crossplane packages
// without a Docker engine: the function's runtime image is assembled with
// go-containerregistry and embedded with crossplane xpkg build; the
// configuration package carries crossplane.yaml, the XRDs and compositions,
// and the example claims.
package xpkgbuild

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/gokinjo/platform/internal/ociimage"
)

// Package names under a registry.
const (
	FunctionName      = "function-gokinjo"
	ConfigurationName = "configuration-gokinjo"
	APIImageName      = "gokinjo-api"
)

// DefaultRegistry is the registry the packages are named for: crossplane.yaml's
// function dependency and examples/management/configuration.yaml point here,
// and make publish pushes here unless REGISTRY says otherwise (a mirror, which
// the management cluster reaches through an ImageConfig rewrite).
const DefaultRegistry = "ghcr.io/gokinjo"

// FunctionRefName is the name every composition's functionRef uses: the name
// Crossplane gives the Function it installs as the configuration's
// dependency, the DNS label of the package's repository path
// (gokinjo/function-gokinjo; xpkg.ToDNSLabel in Crossplane's dependency
// resolver). A Function installed by hand must carry the same name.
const FunctionRefName = "gokinjo-function-gokinjo"

// Arches the function is built for; crossplane xpkg push joins them into one
// multi-platform index.
var Arches = []string{"amd64", "arm64"}

// FunctionEnv is the function's runtime environment (its image's Env; the
// e2e runs the function with exactly this). About 30 MB of the function's
// resident set are pages of its executable, which no setting moves (the
// binary is 41 MB only while the linker can drop unused methods:
// TestLinkerDropsUnusedMethods); its anonymous memory (heap, stacks,
// runtime), 8.5 MB at rest, is what grows under concurrent RunFunction
// calls. GOMEMLIMIT makes the collector work harder as the heap nears it.
// 20MiB, measured in make e2e (three environments applied together, 2
// cores): peak 48,980-56,108 kB, its anonymous part 19-27 MB, 3.7 CPU-s
// until all Ready. With the former 61 MB binary: 18MiB doubled the
// function's CPU, 16MiB thrashed the collector (each RunFunction ~3x the
// CPU, all Ready 5-10 s later), no limit cost ~8 MB more (docs/operations.md).
var FunctionEnv = []string{"GOMEMLIMIT=20MiB"}

// functionImage is the function's runtime image.
var functionImage = ociimage.Program{
	Spec: ociimage.Spec{
		Path:   "/function",
		Title:  FunctionName,
		Ports:  []string{"9443/tcp"},
		Env:    FunctionEnv,
		Source: "https://github.com/gokinjo/platform",
	},
	Package: "./functions/gokinjo",
}

// Builder builds packages from the repository at Root into Out.
type Builder struct {
	// CLI is the crossplane binary.
	CLI string
	// Go is the go command.
	Go string
	// Root is the repository root.
	Root string
	// Out is where packages are written.
	Out string
	// Registry is the registry (host[:port]/path) packages are pushed to. The
	// packages are named for DefaultRegistry whatever it is.
	Registry string
	// Version of the packages.
	Version string
}

// Packages are the built package files.
type Packages struct {
	Function      []string // one per arch
	Configuration string
}

// Build builds the function package for every arch and the configuration.
func (b *Builder) Build(ctx context.Context) (*Packages, error) {
	if err := os.MkdirAll(b.Out, 0o755); err != nil {
		return nil, err
	}
	p := &Packages{}
	for _, arch := range Arches {
		f, err := b.functionPackage(ctx, arch)
		if err != nil {
			return nil, err
		}
		p.Function = append(p.Function, f)
	}
	c, err := b.configurationPackage(ctx)
	if err != nil {
		return nil, err
	}
	p.Configuration = c
	return p, nil
}

func (b *Builder) functionPackage(ctx context.Context, arch string) (string, error) {
	work, err := os.MkdirTemp(b.Out, "function-"+arch+"-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work) // Scratch space.

	runtime := filepath.Join(work, "runtime.tar")
	if _, err := functionImage.Make(ctx, ociimage.Target{
		Go: b.Go, Dir: b.Root, Arch: arch, Tag: "gokinjo.local/" + FunctionName + "-runtime:" + b.Version,
		Out: runtime, Binary: filepath.Join(work, "function"),
	}); err != nil {
		return "", err
	}
	out := filepath.Join(b.Out, fmt.Sprintf("%s-%s-%s.xpkg", FunctionName, b.Version, arch))
	return out, b.xpkgBuild(ctx, filepath.Join(b.Root, "package"), "", out, "--embed-runtime-image-tarball="+runtime)
}

func (b *Builder) configurationPackage(ctx context.Context) (string, error) {
	work, err := os.MkdirTemp(b.Out, "configuration-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work) // Scratch space.

	meta, err := os.ReadFile(filepath.Join(b.Root, "crossplane.yaml"))
	if err != nil {
		return "", err
	}
	// The configuration installs exactly the function published with it.
	meta, err = pinFunction(meta, b.Version)
	if err != nil {
		return "", err
	}
	pkgRoot := filepath.Join(work, "package")
	if err := os.MkdirAll(pkgRoot, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(pkgRoot, "crossplane.yaml"), meta, 0o644); err != nil {
		return "", err
	}
	apis, err := filepath.Glob(filepath.Join(b.Root, "apis", "*", "*.yaml"))
	if err != nil {
		return "", err
	}
	for _, f := range apis {
		layer := filepath.Base(filepath.Dir(f))
		if err := copyFile(f, filepath.Join(pkgRoot, "apis", layer, filepath.Base(f))); err != nil {
			return "", err
		}
	}
	examples := filepath.Join(work, "examples")
	claims, err := filepath.Glob(filepath.Join(b.Root, "examples", "claims", "*.yaml"))
	if err != nil {
		return "", err
	}
	for _, f := range claims {
		if err := copyFile(f, filepath.Join(examples, "claims", filepath.Base(f))); err != nil {
			return "", err
		}
	}
	out := filepath.Join(b.Out, fmt.Sprintf("%s-%s.xpkg", ConfigurationName, b.Version))
	return out, b.xpkgBuild(ctx, pkgRoot, examples, out)
}

func (b *Builder) xpkgBuild(ctx context.Context, root, examples, out string, extra ...string) error {
	if examples == "" {
		// An empty examples folder: the function package carries none.
		examples = filepath.Join(filepath.Dir(out), ".no-examples")
		if err := os.MkdirAll(examples, 0o755); err != nil {
			return err
		}
	}
	args := append([]string{"xpkg", "build", "--package-root=" + root, "--examples-root=" + examples, "--package-file=" + out}, extra...)
	cmd := exec.CommandContext(ctx, b.CLI, args...)
	if o, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("crossplane %s: %w\n%s", strings.Join(args, " "), err, o)
	}
	return nil
}

// pinFunction sets the version of the function dependency in the
// configuration's metadata to version, and refuses metadata whose function
// dependency is not the package this repository publishes.
func pinFunction(meta []byte, version string) ([]byte, error) {
	var m map[string]any
	if err := yaml.Unmarshal(meta, &m); err != nil {
		return nil, fmt.Errorf("crossplane.yaml: %w", err)
	}
	spec, _ := m["spec"].(map[string]any)
	deps, _ := spec["dependsOn"].([]any)
	pinned := 0
	for _, d := range deps {
		dep, _ := d.(map[string]any)
		fn, _ := dep["function"].(string)
		if fn == "" {
			continue
		}
		if fn != DefaultRegistry+"/"+FunctionName {
			return nil, fmt.Errorf("crossplane.yaml depends on function %s, want %s/%s (the compositions reference %s)", fn, DefaultRegistry, FunctionName, FunctionRefName)
		}
		dep["version"] = version
		pinned++
	}
	if pinned != 1 {
		return nil, fmt.Errorf("crossplane.yaml has %d dependencies on %s/%s, want 1", pinned, DefaultRegistry, FunctionName)
	}
	return yaml.Marshal(m)
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}
