package xpkgbuild

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/gokinjo/platform/internal/rendertree"
)

const repo = "../.."

// providerGroups maps a provider package to the API groups it serves.
func providerGroups(pkg string) []string {
	base := pkg[strings.LastIndex(pkg, "/")+1:]
	switch {
	case base == "provider-family-aws":
		// The family provider serves the ProviderConfig every member uses.
		return []string{"aws.upbound.io"}
	case strings.HasPrefix(base, "provider-aws-"):
		return []string{strings.TrimPrefix(base, "provider-aws-") + ".aws.upbound.io"}
	case base == "provider-kubernetes":
		return []string{"kubernetes.crossplane.io"}
	case base == "provider-helm":
		return []string{"helm.crossplane.io"}
	}
	return nil
}

type meta struct {
	Spec struct {
		DependsOn []struct {
			Provider string `json:"provider"`
			Function string `json:"function"`
			Version  string `json:"version"`
		} `json:"dependsOn"`
	} `json:"spec"`
}

// TestDependencies proves crossplane.yaml declares a provider for every API
// group the golden renders compose, and no provider that nothing uses.
func TestDependencies(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repo, "crossplane.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var m meta
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	declared := map[string]string{} // group -> provider
	var functions []string
	for _, d := range m.Spec.DependsOn {
		if d.Version == "" {
			t.Errorf("dependency %s%s has no version constraint", d.Provider, d.Function)
		}
		if d.Function != "" {
			functions = append(functions, d.Function)
			continue
		}
		gs := providerGroups(d.Provider)
		if len(gs) == 0 {
			t.Errorf("dependency %s serves no API group this test knows", d.Provider)
		}
		for _, g := range gs {
			declared[g] = d.Provider
		}
	}

	used := map[string]bool{}
	goldens, err := filepath.Glob(filepath.Join(repo, "internal", "rendertree", "testdata", "golden", "*.yaml"))
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no golden renders: %v", err)
	}
	for _, g := range goldens {
		objs, err := rendertree.ReadYAML(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			group := o.GroupVersionKind().Group
			if group == "platform.gokinjo.io" || strings.HasSuffix(group, ".crossplane.io") && providerGroups("/provider-"+strings.TrimSuffix(group, ".crossplane.io")) == nil {
				continue // our own XRs and Crossplane core kinds need no provider
			}
			used[group] = true
			if strings.HasSuffix(group, ".aws.upbound.io") {
				used["aws.upbound.io"] = true // the members' ProviderConfig
			}
		}
	}
	var missing, unused []string
	for g := range used {
		if _, ok := declared[g]; !ok {
			missing = append(missing, g)
		}
	}
	for g, p := range declared {
		if !used[g] {
			unused = append(unused, p)
		}
	}
	sort.Strings(missing)
	sort.Strings(unused)
	if len(missing) > 0 {
		t.Errorf("composed API groups with no provider in crossplane.yaml dependsOn: %v", missing)
	}
	if len(unused) > 0 {
		t.Errorf("providers in crossplane.yaml that no render composes: %v", unused)
	}

	// Every composition references the function by the name Crossplane gives
	// the Function it installs as this dependency: the DNS label of the
	// package's repository path (xpkg.ToDNSLabel in Crossplane's resolver,
	// which for a path of lower-case letters, digits, '-' and '/' is the
	// path with '/' as '-').
	if len(functions) != 1 {
		t.Fatalf("crossplane.yaml declares functions %v, want exactly one", functions)
	}
	ref, err := name.NewRepository(functions[0], name.StrictValidation)
	if err != nil {
		t.Fatalf("function dependency %s: %v", functions[0], err)
	}
	repoPath := ref.RepositoryStr()
	if strings.Trim(repoPath, "abcdefghijklmnopqrstuvwxyz0123456789-/") != "" {
		t.Fatalf("function repository path %q: keep it to lower-case letters, digits, '-' and '/'", repoPath)
	}
	if got, want := strings.ReplaceAll(repoPath, "/", "-"), FunctionRefName; got != want {
		t.Errorf("Crossplane names the Function installed for %s %q, FunctionRefName is %q", functions[0], got, want)
	}
	if functions[0] != DefaultRegistry+"/"+FunctionName {
		t.Errorf("function dependency %s, want %s/%s (where make publish pushes)", functions[0], DefaultRegistry, FunctionName)
	}
	comps, _ := filepath.Glob(filepath.Join(repo, "apis", "*", "composition.yaml"))
	if len(comps) == 0 {
		t.Fatal("no compositions")
	}
	for _, c := range comps {
		objs, err := rendertree.ReadYAML(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			steps, _, _ := unstructured.NestedSlice(o.Object, "spec", "pipeline")
			if len(steps) == 0 {
				t.Errorf("%s: no pipeline steps", c)
			}
			for _, st := range steps {
				fn, _, _ := unstructured.NestedString(st.(map[string]any), "functionRef", "name")
				if fn != FunctionRefName {
					t.Errorf("%s: functionRef.name %q, want %q", c, fn, FunctionRefName)
				}
			}
		}
	}
	// crossplane render resolves functionRef by the functions file's names.
	fns, err := rendertree.ReadYAML(filepath.Join(repo, "examples", "render", "functions.yaml"))
	if err != nil || len(fns) != 1 || fns[0].GetName() != FunctionRefName {
		t.Errorf("examples/render/functions.yaml must hold one Function named %s (err %v)", FunctionRefName, err)
	}
}

// TestManagementFiles proves the files docs/management-cluster.md applies
// agree with the package: the configuration is installed by the reference
// make publish pushes by default; every provider dependency is installed
// from providers.yaml pinned to the version the function is compiled against
// (the lower bound of the dependency's range) under the name Crossplane's
// resolver gives it, so installing the configuration adds no second copy;
// the family provider comes first; the pull credentials cover the packages.
func TestManagementFiles(t *testing.T) {
	mk, err := os.ReadFile(filepath.Join(repo, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	makeVar := func(name string) string {
		for _, l := range strings.Split(string(mk), "\n") {
			if k, v, ok := strings.Cut(l, "?="); ok && strings.TrimSpace(k) == name {
				return strings.TrimSpace(v)
			}
		}
		t.Fatalf("Makefile sets no default %s", name)
		return ""
	}
	if got := makeVar("REGISTRY"); got != DefaultRegistry {
		t.Errorf("Makefile REGISTRY defaults to %s, want %s", got, DefaultRegistry)
	}
	mgmt := func(f string) []*unstructured.Unstructured {
		objs, err := rendertree.ReadYAML(filepath.Join(repo, "examples", "management", f))
		if err != nil {
			t.Fatal(err)
		}
		return objs
	}
	cfg := mgmt("configuration.yaml")
	want := DefaultRegistry + "/" + ConfigurationName + ":" + makeVar("VERSION")
	if pkg, _, _ := unstructured.NestedString(cfg[0].Object, "spec", "package"); len(cfg) != 1 || pkg != want {
		t.Errorf("configuration.yaml installs %s, make publish pushes %s", pkg, want)
	}

	b, err := os.ReadFile(filepath.Join(repo, "crossplane.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var m meta
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	providers := map[string]*unstructured.Unstructured{}
	objs := mgmt("providers.yaml")
	for _, o := range objs {
		providers[o.GetName()] = o
	}
	for i, d := range m.Spec.DependsOn {
		if d.Provider == "" {
			continue
		}
		if i == 0 != strings.HasSuffix(d.Provider, "/provider-family-aws") {
			t.Errorf("dependency %d is %s: provider-family-aws must come first, so Crossplane installs the pinned family before any member", i, d.Provider)
		}
		r, err := name.NewRepository(d.Provider, name.StrictValidation)
		if err != nil {
			t.Fatal(err)
		}
		resolverName := strings.ReplaceAll(r.RepositoryStr(), "/", "-")
		p, ok := providers[resolverName]
		if !ok {
			t.Errorf("providers.yaml has no Provider %s (Crossplane's name for %s)", resolverName, d.Provider)
			continue
		}
		lower, _, _ := strings.Cut(strings.TrimPrefix(d.Version, ">="), ",")
		pkg, _, _ := unstructured.NestedString(p.Object, "spec", "package")
		if want := d.Provider + ":" + strings.TrimSpace(lower); pkg != want {
			t.Errorf("providers.yaml installs %s, want %s (the lower bound of %q)", pkg, want, d.Version)
		}
		rc, _, _ := unstructured.NestedString(p.Object, "spec", "runtimeConfigRef", "name")
		if isAWS := providerGroups(d.Provider) != nil && strings.HasSuffix(providerGroups(d.Provider)[0], "aws.upbound.io"); isAWS != (rc == "provider-aws") {
			t.Errorf("%s: runtimeConfigRef %q; every provider-aws package and only those run with provider-aws", resolverName, rc)
		}
		delete(providers, resolverName)
	}
	for n := range providers {
		t.Errorf("providers.yaml installs %s, which crossplane.yaml does not depend on", n)
	}
	if objs[0].GetName() != "crossplane-contrib-provider-family-aws" {
		t.Errorf("providers.yaml must create the family provider first, got %s", objs[0].GetName())
	}

	ic := mgmt("registry-credentials.yaml")
	prefix, _, _ := unstructured.NestedSlice(ic[0].Object, "spec", "matchImages")
	if len(prefix) != 1 || prefix[0].(map[string]any)["prefix"] != DefaultRegistry+"/" {
		t.Errorf("registry-credentials.yaml matches %v, want the prefix %s/", prefix, DefaultRegistry)
	}
}

// TestPinFunction proves the packaged configuration depends on exactly the
// function version built with it, and refuses a function dependency the
// compositions would not find.
func TestPinFunction(t *testing.T) {
	meta, err := os.ReadFile(filepath.Join(repo, "crossplane.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := pinFunction(meta, "v1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	deps, _, _ := unstructured.NestedSlice(m, "spec", "dependsOn")
	var pinned []string
	for _, d := range deps {
		if fn, _ := d.(map[string]any)["function"].(string); fn != "" {
			pinned = append(pinned, fn+"@"+d.(map[string]any)["version"].(string))
		}
	}
	if diff := cmp.Diff([]string{DefaultRegistry + "/" + FunctionName + "@v1.2.3"}, pinned); diff != "" {
		t.Errorf("pinned function dependency: -want +got\n%s", diff)
	}
	other := strings.ReplaceAll(string(meta), DefaultRegistry+"/"+FunctionName, "xpkg.example.org/other/function-gokinjo")
	if _, err := pinFunction([]byte(other), "v1.2.3"); err == nil {
		t.Error("a function dependency from another repository must be refused")
	}
}
