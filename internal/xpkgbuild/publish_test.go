package xpkgbuild

import (
	"archive/tar"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/internal/registrytest"
	"github.com/gokinjo/platform/internal/rendertree"
	"github.com/gokinjo/platform/internal/schemavalidate"
)

// tool returns a binary under bin/, failing if make tools has not built it.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(repo, "bin", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s is missing: run make tools first", p)
	}
	return p
}

// The credentials of the test registry.
const regUser, regPassword = "gokinjo-ci", "s3cret-push-token"

// registry serves a local registry behind the test credentials and points
// the Docker credential chain at them, for this process and the crossplane
// CLI it runs.
func registry(t *testing.T) string {
	t.Helper()
	return registrytest.Serve(t, registrytest.Credentials{User: regUser, Password: regPassword})[0]
}

// keychain is how the test reads the registry back: with the credentials.
var keychain = remote.WithAuthFromKeychain(authn.DefaultKeychain)

// TestBuildAndPublish builds every package and the API image, pushes them to
// a local registry that requires credentials (as make publish does, with the
// credentials a registry login leaves), then reads them back: the function
// index carries a runtime per arch; the configuration depends on the function
// by its ghcr.io/gokinjo name at exactly the published version, which
// resolves in the registry pushed to once the prefix is rewritten (what the
// mirror's ImageConfig does); its compositions reference the Function by the
// name Crossplane gives it; and its XRDs still validate the example claims and
// every golden render.
func TestBuildAndPublish(t *testing.T) {
	ctx := context.Background()
	addr := registry(t)
	root, err := filepath.Abs(repo)
	if err != nil {
		t.Fatal(err)
	}
	b := &Builder{CLI: tool(t, "crossplane"), Go: "go", Root: root, Out: t.TempDir(), Registry: addr + "/gokinjo", Version: "v0.0.0-test"}

	api := filepath.Join(t.TempDir(), "gokinjo-api.tar")
	build := exec.CommandContext(ctx, "go", "run", "./services/api/cmd/imagebuild", "-o", api)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("API image: %v\n%s", err, out)
	}

	pkgs, err := b.Build(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(pkgs.Function, pkgs.Configuration, api) {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d KiB", filepath.Base(f), fi.Size()>>10)
	}
	refs, err := b.Publish(ctx, pkgs, api)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("RegistryRefusesAnonymous", func(t *testing.T) {
		if _, err := remote.Head(mustRef(t, refs.Configuration), remote.WithContext(ctx)); err == nil {
			t.Fatal("the registry served the configuration without credentials: the push proves nothing about auth")
		}
	})

	t.Run("FunctionCarriesRuntimePerArch", func(t *testing.T) {
		idx, err := remote.Index(mustRef(t, refs.Function), remote.WithContext(ctx), keychain)
		if err != nil {
			t.Fatal(err)
		}
		im, err := idx.IndexManifest()
		if err != nil {
			t.Fatal(err)
		}
		arches := map[string]bool{}
		for _, d := range im.Manifests {
			img, err := idx.Image(d.Digest)
			if err != nil {
				t.Fatal(err)
			}
			cf, err := img.ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			arches[cf.Architecture] = true
			if cf.Config.User != "65532:65532" || len(cf.Config.Entrypoint) == 0 || cf.Config.Entrypoint[0] != "/function" {
				t.Errorf("%s runtime: user %q entrypoint %v", cf.Architecture, cf.Config.User, cf.Config.Entrypoint)
			}
			if !hasFile(t, img, "function") {
				t.Errorf("%s: no runtime layer with /function", cf.Architecture)
			}
			if baseLayer(t, img) == "" {
				t.Errorf("%s: no package (base) layer", cf.Architecture)
			}
		}
		for _, a := range Arches {
			if !arches[a] {
				t.Errorf("function index lacks %s (has %v)", a, arches)
			}
		}
	})

	t.Run("ConfigurationResolvesAndValidates", func(t *testing.T) {
		img, err := remote.Image(mustRef(t, refs.Configuration), remote.WithContext(ctx), keychain)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := rendertree.ParseYAML([]byte(baseLayer(t, img)))
		if err != nil {
			t.Fatal(err)
		}
		apis := t.TempDir()
		xrds, comps := 0, 0
		for _, o := range objs {
			switch o.GetKind() {
			case "Configuration":
				checkFunctionDependency(ctx, t, o, addr, b.Version)
			case "CompositeResourceDefinition":
				xrds++
				dir := filepath.Join(apis, o.GetName())
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := rendertree.WriteYAML(filepath.Join(dir, "definition.yaml"), []*unstructured.Unstructured{o}); err != nil {
					t.Fatal(err)
				}
			case "Composition":
				comps++
				steps, _, _ := unstructured.NestedSlice(o.Object, "spec", "pipeline")
				for _, st := range steps {
					if fn, _, _ := unstructured.NestedString(st.(map[string]any), "functionRef", "name"); fn != FunctionRefName {
						t.Errorf("composition %s references function %q, want %q", o.GetName(), fn, FunctionRefName)
					}
				}
			}
		}
		defs, _ := filepath.Glob(filepath.Join(repo, "apis", "*", "definition.yaml"))
		if xrds != len(defs) || comps != len(defs) {
			t.Errorf("pushed configuration has %d XRDs and %d compositions, want %d of each", xrds, comps, len(defs))
		}
		v, err := schemavalidate.New(ctx, b.CLI, apis, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		for _, dir := range []string{filepath.Join(repo, "examples", "claims"), filepath.Join(repo, "internal", "rendertree", "testdata", "golden")} {
			if report, err := v.Validate(ctx, dir); err != nil {
				t.Errorf("against the pushed XRDs, %s: %v\n%s", dir, err, report)
			}
		}
	})

	t.Run("APIImage", func(t *testing.T) {
		// Pushed with the credentials too (an anonymous push was refused).
		img, err := remote.Image(mustRef(t, refs.APIImage), remote.WithContext(ctx), keychain)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		if cf.Config.User != "65532:65532" || !hasFile(t, img, "api") {
			t.Errorf("API image: user %q", cf.Config.User)
		}
	})
}

func checkFunctionDependency(ctx context.Context, t *testing.T, cfg *unstructured.Unstructured, addr, version string) {
	t.Helper()
	deps, _, _ := unstructured.NestedSlice(cfg.Object, "spec", "dependsOn")
	found := false
	for _, d := range deps {
		fn, _ := d.(map[string]any)["function"].(string)
		if fn == "" {
			continue
		}
		found = true
		if fn != DefaultRegistry+"/"+FunctionName {
			t.Errorf("function dependency %s, want %s/%s", fn, DefaultRegistry, FunctionName)
		}
		if v := d.(map[string]any)["version"]; v != version {
			t.Errorf("function dependency version %v, want exactly the published %s", v, version)
		}
		// Where a management cluster pulls it from through the mirror's
		// ImageConfig rewrite, the version published with it exists.
		mirrored := addr + "/gokinjo/" + FunctionName + ":" + version
		if _, err := remote.Head(mustRef(t, mirrored), remote.WithContext(ctx), keychain); err != nil {
			t.Errorf("function dependency %s does not resolve as %s: %v", fn, mirrored, err)
		}
	}
	if !found {
		t.Error("the configuration declares no function dependency")
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// baseLayer returns package.yaml from the layer the xpkg labels as base.
func baseLayer(t *testing.T, img v1.Image) string {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range cf.Config.Labels {
		if v != "base" || !strings.HasPrefix(k, "io.crossplane.xpkg:") {
			continue
		}
		h, err := v1.NewHash(strings.TrimPrefix(k, "io.crossplane.xpkg:"))
		if err != nil {
			t.Fatal(err)
		}
		l, err := img.LayerByDigest(h)
		if err != nil {
			t.Fatal(err)
		}
		return fileIn(t, l, "package.yaml")
	}
	return ""
}

func hasFile(t *testing.T, img v1.Image, file string) bool {
	t.Helper()
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if fileIn(t, l, file) != "" {
			return true
		}
	}
	return false
}

func fileIn(t *testing.T, l v1.Layer, file string) string {
	t.Helper()
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close() // Test.
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return ""
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimPrefix(h.Name, "/") == file {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) == 0 {
				return " " // present but empty
			}
			return string(b)
		}
	}
}
