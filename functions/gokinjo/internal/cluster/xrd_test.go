package cluster

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/gokinjo/platform/internal/facts"
)

// The XRDs' allow-lists are the EKS and EC2 facts: a bump of the facts that
// forgets an XRD fails here, not at a real deploy.

func loadXRD(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := yaml.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// schemaAt walks properties from the XRD's openAPIV3Schema.
func schemaAt(t *testing.T, xrd map[string]any, props ...string) map[string]any {
	t.Helper()
	vs := xrd["spec"].(map[string]any)["versions"].([]any)
	cur := vs[0].(map[string]any)["schema"].(map[string]any)["openAPIV3Schema"].(map[string]any)
	for _, p := range props {
		if items, ok := cur["items"].(map[string]any); ok {
			cur = items
		}
		props2, _ := cur["properties"].(map[string]any)
		next, ok := props2[p].(map[string]any)
		if !ok {
			t.Fatalf("no property %s in %v", p, props)
		}
		cur = next
	}
	return cur
}

func enumOf(s map[string]any) []string {
	var out []string
	for _, v := range s["enum"].([]any) {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// extendedOnly lists the offered versions past standard support.
func extendedOnly() []string {
	var out []string
	for _, v := range facts.EKS.Offered() {
		if !slices.Contains(facts.EKS.Standard(), v) {
			out = append(out, v)
		}
	}
	return out
}

var quotedVersions = regexp.MustCompile(`version in \[([^\]]*)\]`)

// rulesExtendedList finds the extended-only version list of the "needs
// EXTENDED" CEL rule.
func rulesExtendedList(t *testing.T, s map[string]any) []string {
	t.Helper()
	for _, r := range s["x-kubernetes-validations"].([]any) {
		m := quotedVersions.FindStringSubmatch(r.(map[string]any)["rule"].(string))
		if m == nil {
			continue
		}
		var out []string
		for _, v := range strings.Split(m[1], ",") {
			out = append(out, strings.Trim(strings.TrimSpace(v), "'"))
		}
		return out
	}
	t.Fatal("no rule tying extended-support versions to supportType EXTENDED")
	return nil
}

func TestXRDsMatchFacts(t *testing.T) {
	xc := loadXRD(t, "../../../../apis/cluster/definition.yaml")
	env := loadXRD(t, "../../../../apis/environment/definition.yaml")
	xcParams := schemaAt(t, xc, "spec", "parameters")
	envCluster := schemaAt(t, env, "spec", "parameters", "cluster")
	type check struct {
		what      string
		got, want []string
	}
	checks := []check{
		{"XCluster version enum", enumOf(schemaAt(t, xc, "spec", "parameters", "version")), facts.EKS.Offered()},
		{"Environment cluster.version enum", enumOf(schemaAt(t, env, "spec", "parameters", "cluster", "version")), facts.EKS.Offered()},
		{"XCluster extended-only rule", rulesExtendedList(t, xcParams), extendedOnly()},
		{"Environment extended-only rule", rulesExtendedList(t, envCluster), extendedOnly()},
		{"XCluster instanceType enum", enumOf(schemaAt(t, xc, "spec", "parameters", "nodeGroups", "instanceType")), facts.EC2.Names()},
	}
	for _, ng := range []string{"general", "compute"} {
		checks = append(checks, check{"Environment " + ng + " instanceType enum",
			enumOf(schemaAt(t, env, "spec", "parameters", "cluster", "nodeGroups", ng, "instanceType")), facts.EC2.Names()})
		for _, f := range []string{"minSize", "maxSize", "desiredSize"} {
			checks = append(checks, check{"Environment " + ng + " " + f + " maximum",
				[]string{fmt.Sprint(schemaAt(t, env, "spec", "parameters", "cluster", "nodeGroups", ng, f)["maximum"])},
				[]string{fmt.Sprint(facts.EKS.NodeGroupMaxSize)}})
		}
	}
	for _, f := range []string{"minSize", "maxSize", "desiredSize"} {
		checks = append(checks, check{"XCluster " + f + " maximum",
			[]string{fmt.Sprint(schemaAt(t, xc, "spec", "parameters", "nodeGroups", f)["maximum"])},
			[]string{fmt.Sprint(facts.EKS.NodeGroupMaxSize)}})
	}
	for _, c := range checks {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %v, want the facts' %v", c.what, c.got, c.want)
		}
	}
	if !strings.Contains(fmt.Sprint(schemaAt(t, env, "spec", "parameters", "cluster", "version")["description"]), "Default "+facts.EKS.DefaultVersion) {
		t.Errorf("the claim's cluster.version description must name the default %s", facts.EKS.DefaultVersion)
	}
}
