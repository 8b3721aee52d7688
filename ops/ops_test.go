// Package ops holds the management cluster's ops pack: alert rules and a
// dashboard over Crossplane's own metrics and the conditions of every
// gokinjo claim and XR (through kube-state-metrics). The tests prove the
// alerts fire (promtool) and that every query names a metric and labels that
// really exist.
package ops

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/gokinjo/platform/internal/facts"
)

type promRule struct {
	Spec struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Alert string `json:"alert"`
				Expr  string `json:"expr"`
			} `json:"rules"`
		} `json:"groups"`
	} `json:"spec"`
}

func readRule(t *testing.T) (promRule, []byte) {
	t.Helper()
	b, err := os.ReadFile("crossplane-prometheusrule.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var r promRule
	if err := yaml.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r, b
}

// TestAlertRules runs promtool test rules: each alert fires on its condition
// and stays silent without it. Without bin/promtool it skips, unless CI=true.
func TestAlertRules(t *testing.T) {
	promtool, err := filepath.Abs(filepath.Join("..", "bin", "promtool"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(promtool); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("bin/promtool is missing (make tools): %v", err)
		}
		t.Skip("bin/promtool is missing: run make tools")
	}
	_, raw := readRule(t)
	var obj map[string]any
	if err := yaml.Unmarshal(raw, &obj); err != nil {
		t.Fatal(err)
	}
	spec, err := yaml.Marshal(obj["spec"])
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), spec, 0o600); err != nil {
		t.Fatal(err)
	}
	test, err := os.ReadFile(filepath.Join("testdata", "crossplane-rules.test.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "test.yaml"), test, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", "rules", "rules.yaml"}, {"test", "rules", "test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// conditionLabels are the labels of the gokinjo_condition gauge that
// kube-state-metrics-values.yaml defines (its labelsFromPath plus the ones
// kube-state-metrics adds to every custom resource metric).
var conditionLabels = []string{"name", "namespace", "type", "reason", "customresource_group", "customresource_kind", "customresource_version"}

var (
	// A metric selector is a name followed by a label matcher block or a
	// range; label matchers are name, operator.
	rangeSelector   = regexp.MustCompile(`([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\[`)
	matcherSelector = regexp.MustCompile(`([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})`)
	matcher         = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)`)
)

// checkQuery fails when a PromQL expression names a metric or a label that
// neither Crossplane (facts) nor the kube-state-metrics config produces.
func checkQuery(t *testing.T, where, expr string) {
	t.Helper()
	known := map[string][]string{"gokinjo_condition": conditionLabels}
	for m, l := range facts.Crossplane.Metrics {
		known[m] = l
	}
	found := 0
	for _, re := range []*regexp.Regexp{rangeSelector, matcherSelector} {
		for _, m := range re.FindAllStringSubmatch(expr, -1) {
			found += checkSelector(t, where, m[1], m[2], known)
		}
	}
	if found == 0 {
		t.Errorf("%s: no metric found in %q", where, expr)
	}
}

func checkSelector(t *testing.T, where, name, matchers string, known map[string][]string) int {
	t.Helper()
	base := name
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if b, ok := strings.CutSuffix(name, suffix); ok {
			if _, isHist := known[b]; isHist {
				base = b
			}
		}
	}
	labels, ok := known[base]
	if !ok {
		t.Errorf("%s: metric %s is not exported by Crossplane %s nor by the kube-state-metrics config", where, name, facts.Crossplane.Version)
		return 1
	}
	if base != name {
		labels = append(append([]string(nil), labels...), "le")
	}
	for _, m := range matcher.FindAllStringSubmatch(matchers, -1) {
		if !contains(labels, m[1]) {
			t.Errorf("%s: metric %s has no label %q (it has %v)", where, name, m[1], labels)
		}
	}
	return 1
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func TestQueriesNameRealMetrics(t *testing.T) {
	r, _ := readRule(t)
	n := 0
	for _, g := range r.Spec.Groups {
		for _, rule := range g.Rules {
			checkQuery(t, "alert "+rule.Alert, rule.Expr)
			n++
		}
	}
	b, err := os.ReadFile("crossplane-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatal(err)
	}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			checkQuery(t, "panel "+p.Title, tg.Expr)
			n++
		}
	}
	if n < 10 {
		t.Errorf("only %d queries checked", n)
	}
}

// TestCheckQueryCatchesTypos proves the checker fails on a wrong metric or label.
func TestCheckQueryCatchesTypos(t *testing.T) {
	for _, expr := range []string{
		`rate(function_run_function_responses_total[5m])`,
		`rate(function_run_function_response_total{severity="Fatal"}[5m])`,
		`gokinjo_conditions{type="Ready"}`,
	} {
		ft := &testing.T{}
		checkQuery(ft, "typo", expr)
		if !ft.Failed() {
			t.Errorf("checkQuery accepted %q", expr)
		}
	}
}
