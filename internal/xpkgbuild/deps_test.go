package xpkgbuild

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/gokinjo/platform/internal/rendertree"
)

const repo = "../.."

// providerGroups maps a provider package to the API groups it serves.
func providerGroups(pkg string) []string {
	base := pkg[strings.LastIndex(pkg, "/")+1:]
	switch {
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
			functions = append(functions, d.Function[strings.LastIndex(d.Function, "/")+1:])
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

	// Every composition's functions must be declared too.
	var want []string
	comps, _ := filepath.Glob(filepath.Join(repo, "apis", "*", "composition.yaml"))
	seen := map[string]bool{}
	for _, c := range comps {
		b, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if f, ok := strings.CutPrefix(strings.TrimSpace(line), "name: function-"); ok && !seen[f] {
				seen[f] = true
				want = append(want, "function-"+f)
			}
		}
	}
	sort.Strings(want)
	sort.Strings(functions)
	if diff := cmp.Diff(want, functions); diff != "" {
		t.Errorf("functions in compositions vs crossplane.yaml: -want, +got:\n%s", diff)
	}
}
