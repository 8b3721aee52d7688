package cluster

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/internal/facts"
)

// The XRDs' allow-lists are the EKS and EC2 facts: a bump of the facts that
// forgets an XRD fails here, not at a real deploy.

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
	xc := composetest.LoadXRD(t, "../../../../apis/cluster/definition.yaml")
	env := composetest.LoadXRD(t, "../../../../apis/environment/definition.yaml")
	xcParams := composetest.SchemaAt(t, xc, "spec", "parameters")
	envCluster := composetest.SchemaAt(t, env, "spec", "parameters", "cluster")
	type check struct {
		what      string
		got, want []string
	}
	checks := []check{
		{"XCluster version enum", enumOf(composetest.SchemaAt(t, xc, "spec", "parameters", "version")), facts.EKS.Offered()},
		{"Environment cluster.version enum", enumOf(composetest.SchemaAt(t, env, "spec", "parameters", "cluster", "version")), facts.EKS.Offered()},
		{"XCluster extended-only rule", rulesExtendedList(t, xcParams), extendedOnly()},
		{"Environment extended-only rule", rulesExtendedList(t, envCluster), extendedOnly()},
		{"XCluster instanceType enum", enumOf(composetest.SchemaAt(t, xc, "spec", "parameters", "nodeGroups", "instanceType")), facts.EC2.Names()},
	}
	for _, ng := range []string{"general", "compute"} {
		checks = append(checks, check{"Environment " + ng + " instanceType enum",
			enumOf(composetest.SchemaAt(t, env, "spec", "parameters", "cluster", "nodeGroups", ng, "instanceType")), facts.EC2.Names()})
		for _, f := range []string{"minSize", "maxSize", "desiredSize"} {
			checks = append(checks, check{"Environment " + ng + " " + f + " maximum",
				[]string{fmt.Sprint(composetest.SchemaAt(t, env, "spec", "parameters", "cluster", "nodeGroups", ng, f)["maximum"])},
				[]string{fmt.Sprint(facts.EKS.NodeGroupMaxSize)}})
		}
	}
	for _, f := range []string{"minSize", "maxSize", "desiredSize"} {
		checks = append(checks, check{"XCluster " + f + " maximum",
			[]string{fmt.Sprint(composetest.SchemaAt(t, xc, "spec", "parameters", "nodeGroups", f)["maximum"])},
			[]string{fmt.Sprint(facts.EKS.NodeGroupMaxSize)}})
	}
	for _, c := range checks {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %v, want the facts' %v", c.what, c.got, c.want)
		}
	}
	if !strings.Contains(fmt.Sprint(composetest.SchemaAt(t, env, "spec", "parameters", "cluster", "version")["description"]), "Default "+facts.EKS.DefaultVersion) {
		t.Errorf("the claim's cluster.version description must name the default %s", facts.EKS.DefaultVersion)
	}
}
