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

	"github.com/gokinjo/platform/internal/ociimage"
)

// Package names under a registry.
const (
	FunctionName      = "function-gokinjo"
	ConfigurationName = "configuration-gokinjo"
	APIImageName      = "gokinjo-api"
)

// DefaultRegistry is where packages are published unless told otherwise; the
// configuration's function dependency points at the same registry.
const DefaultRegistry = "xpkg.gokinjo.io/gokinjo"

// Arches the function is built for; crossplane xpkg push joins them into one
// multi-platform index.
var Arches = []string{"amd64", "arm64"}

// functionImage is the function's runtime image.
var functionImage = ociimage.Spec{
	Path:   "/function",
	Title:  FunctionName,
	Ports:  []string{"9443/tcp"},
	Source: "https://github.com/gokinjo/platform",
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
	// Registry is the registry (host[:port]/path) packages are published to.
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
	defer os.RemoveAll(work) //nolint:errcheck // Scratch space.

	bin := filepath.Join(work, "function")
	if err := ociimage.GoBuild(ctx, b.Go, b.Root, "./functions/gokinjo", bin, arch); err != nil {
		return "", err
	}
	binary, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	img, err := ociimage.Build(functionImage, binary, arch)
	if err != nil {
		return "", err
	}
	runtime := filepath.Join(work, "runtime.tar")
	if err := ociimage.WriteTarball(img, "gokinjo.local/"+FunctionName+"-runtime:"+b.Version, runtime); err != nil {
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
	defer os.RemoveAll(work) //nolint:errcheck // Scratch space.

	meta, err := os.ReadFile(filepath.Join(b.Root, "crossplane.yaml"))
	if err != nil {
		return "", err
	}
	// The function is published next to the configuration: point the
	// dependency at the registry being built for.
	meta = []byte(strings.ReplaceAll(string(meta), DefaultRegistry+"/"+FunctionName, b.Registry+"/"+FunctionName))
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
