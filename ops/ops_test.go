// Package ops holds the management cluster's ops pack: alert rules and a
// dashboard over Crossplane's own metrics and the conditions of every
// gokinjo claim and XR (through kube-state-metrics). The tests prove the
// alerts fire (promtool) and that every query names a metric and labels that
// really exist.
package ops

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
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

// queries returns every PromQL expression of the ops pack: each alert's and
// each dashboard panel's, with where it is.
func queries(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	r, _ := readRule(t)
	for _, g := range r.Spec.Groups {
		for _, rule := range g.Rules {
			out["alert "+rule.Alert] = rule.Expr
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
		for i, tg := range p.Targets {
			out[fmt.Sprintf("panel %s #%d", p.Title, i)] = tg.Expr
		}
	}
	return out
}

func TestQueriesNameRealMetrics(t *testing.T) {
	n := 0
	for where, expr := range queries(t) {
		checkQuery(t, where, expr)
		n++
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

// readYAML decodes a YAML file of the repository, relative to ops/.
func readYAML(t *testing.T, file string, into any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// helmInstall is a helm install command of docs/management-cluster.md.
type helmInstall struct {
	release, namespace, version string
	values                      []string
}

var (
	shBlock     = regexp.MustCompile("(?s)```sh\n(.*?)```")
	helmInstRe  = regexp.MustCompile(`^helm install (\S+) (\S+)(.*)$`)
	helmFlagRe  = regexp.MustCompile(`--(namespace|version)[ =](\S+)|-f (\S+)`)
	kubectlFile = regexp.MustCompile(`^kubectl apply -f (ops/\S+)$`)
)

// mgmtDocCommands returns the management cluster doc's shell commands, one
// per command (continuation lines joined).
func mgmtDocCommands(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "docs", "management-cluster.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, blk := range shBlock.FindAllStringSubmatch(string(b), -1) {
		joined := strings.ReplaceAll(blk[1], "\\\n", " ")
		for _, l := range strings.Split(joined, "\n") {
			if l = strings.Join(strings.Fields(l), " "); l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// helmInstalls returns the doc's helm installs by chart reference.
func helmInstalls(t *testing.T) map[string]helmInstall {
	t.Helper()
	out := map[string]helmInstall{}
	for _, c := range mgmtDocCommands(t) {
		m := helmInstRe.FindStringSubmatch(c)
		if m == nil {
			continue
		}
		h := helmInstall{release: m[1]}
		for _, f := range helmFlagRe.FindAllStringSubmatch(m[3], -1) {
			switch {
			case f[1] == "namespace":
				h.namespace = f[2]
			case f[1] == "version":
				h.version = f[2]
			default:
				h.values = append(h.values, f[3])
			}
		}
		out[m[2]] = h
	}
	return out
}

type podMonitor struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		Selector struct {
			MatchLabels      map[string]string `json:"matchLabels"`
			MatchExpressions []any             `json:"matchExpressions"`
		} `json:"selector"`
		NamespaceSelector   map[string]any `json:"namespaceSelector"`
		PodMetricsEndpoints []struct {
			Port string `json:"port"`
			Path string `json:"path"`
		} `json:"podMetricsEndpoints"`
	} `json:"spec"`
}

// TestPodMonitorScrapesCrossplane proves the PodMonitor selects the pods
// and the port the Crossplane chart makes (facts metricsScrape), for the
// release and namespace the doc installs Crossplane as, with metrics on in
// the doc's values, and that kube-prometheus-stack discovers it as it does
// the PrometheusRule.
func TestPodMonitorScrapesCrossplane(t *testing.T) {
	f := facts.Crossplane.MetricsScrape
	var pm podMonitor
	readYAML(t, "crossplane-podmonitor.yaml", &pm)
	if pm.APIVersion != "monitoring.coreos.com/v1" || pm.Kind != "PodMonitor" {
		t.Fatalf("crossplane-podmonitor.yaml is a %s %s, want a monitoring.coreos.com/v1 PodMonitor", pm.APIVersion, pm.Kind)
	}

	xp, ok := helmInstalls(t)["crossplane-stable/crossplane"]
	if !ok {
		t.Fatal("docs/management-cluster.md does not helm install crossplane-stable/crossplane")
	}
	want := map[string]string{f.ReleaseLabel: xp.release}
	for k, v := range f.PodLabels {
		want[k] = v
	}
	if got := pm.Spec.Selector.MatchLabels; !maps.Equal(got, want) || len(pm.Spec.Selector.MatchExpressions) != 0 {
		t.Errorf("the PodMonitor selects %v %v, want the labels of Crossplane's core pods %v", got, pm.Spec.Selector.MatchExpressions, want)
	}
	if pm.Metadata.Namespace != xp.namespace || pm.Spec.NamespaceSelector != nil {
		t.Errorf("the PodMonitor watches namespace %q (selector %v), want its own, Crossplane's %q", pm.Metadata.Namespace, pm.Spec.NamespaceSelector, xp.namespace)
	}
	if eps := pm.Spec.PodMetricsEndpoints; len(eps) != 1 || eps[0].Port != f.Port || eps[0].Path != f.Path {
		t.Errorf("the PodMonitor scrapes %+v, want port %q path %q", eps, f.Port, f.Path)
	}

	var rule struct {
		Metadata struct {
			Labels map[string]string `json:"labels"`
		} `json:"metadata"`
	}
	readYAML(t, "crossplane-prometheusrule.yaml", &rule)
	if got, want := pm.Metadata.Labels["release"], rule.Metadata.Labels["release"]; got == "" || got != want {
		t.Errorf("the PodMonitor's release label %q, want the PrometheusRule's %q (kube-prometheus-stack selects both by it)", got, want)
	}

	// The chart opens the port only with metrics.enabled.
	var values map[string]any
	for _, v := range xp.values {
		readYAML(t, filepath.Join("..", v), &values)
	}
	var on any = values
	for _, k := range strings.Split(f.ValuesKey, ".") {
		m, _ := on.(map[string]any)
		on = m[k]
	}
	if on != true {
		t.Errorf("the doc's Crossplane values %v do not set %s: true, so the chart opens no %s port", xp.values, f.ValuesKey, f.Port)
	}
}

// TestManagementDocInstallsOpsPack proves docs/management-cluster.md
// installs what the ops pack needs: kube-prometheus-stack at the pinned
// version under the release name the ops manifests' release label names,
// with the kube-state-metrics values, and applies every manifest of ops/.
func TestManagementDocInstallsOpsPack(t *testing.T) {
	kps, ok := helmInstalls(t)["prometheus-community/kube-prometheus-stack"]
	if !ok {
		t.Fatal("docs/management-cluster.md does not helm install prometheus-community/kube-prometheus-stack")
	}
	if want := facts.Charts.Charts["kube-prometheus-stack"].Version; kps.version != want {
		t.Errorf("the doc installs kube-prometheus-stack %q, want the pinned %q", kps.version, want)
	}
	if !slices.Contains(kps.values, "ops/kube-state-metrics-values.yaml") {
		t.Errorf("the doc installs kube-prometheus-stack with values %v, without ops/kube-state-metrics-values.yaml", kps.values)
	}
	var values struct {
		KSM struct {
			CustomResourceState struct {
				Enabled bool `json:"enabled"`
			} `json:"customResourceState"`
		} `json:"kube-state-metrics"`
	}
	readYAML(t, "kube-state-metrics-values.yaml", &values)
	if !values.KSM.CustomResourceState.Enabled {
		t.Error("kube-state-metrics-values.yaml: kube-state-metrics.customResourceState.enabled must be true (values of kube-prometheus-stack)")
	}

	applied := map[string]bool{}
	for _, c := range mgmtDocCommands(t) {
		if m := kubectlFile.FindStringSubmatch(c); m != nil {
			applied[m[1]] = true
		}
	}
	manifests, _ := filepath.Glob("*.yaml")
	n := 0
	for _, f := range manifests {
		var obj struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Labels map[string]string `json:"labels"`
			} `json:"metadata"`
		}
		readYAML(t, f, &obj)
		if obj.Kind == "" {
			continue // values, not a Kubernetes object
		}
		n++
		if !applied["ops/"+f] {
			t.Errorf("the doc does not kubectl apply -f ops/%s", f)
		}
		if got := obj.Metadata.Labels["release"]; got != kps.release {
			t.Errorf("%s: release label %q, want kube-prometheus-stack's release name %q", f, got, kps.release)
		}
	}
	if n < 2 {
		t.Errorf("only %d manifests in ops/", n)
	}
}

// TestCountersCountNewSeries proves every increase() of a Crossplane
// counter, in the alerts and the dashboard, also counts a series that is new
// in its window: Crossplane creates a series on its first Inc(), so it
// appears at 1 and increase() alone never counts that event.
func TestCountersCountNewSeries(t *testing.T) {
	increase := regexp.MustCompile(`increase\(([a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})?)\[(\w+)\]\)`)
	check := func(where, expr string) int {
		n := 0
		for _, m := range increase.FindAllStringSubmatch(expr, -1) {
			name := strings.SplitN(m[1], "{", 2)[0]
			if _, ok := facts.Crossplane.Metrics[name]; !ok || !strings.HasSuffix(name, "_total") {
				continue
			}
			n++
			newSeries := "(" + m[1] + " unless present_over_time(" + m[1] + "[1h] offset " + m[3] + "))"
			if !strings.Contains(strings.Join(strings.Fields(expr), " "), newSeries) {
				t.Errorf("%s: increase(%s[%s]) without the new-series term %s", where, m[1], m[3], newSeries)
			}
		}
		return n
	}
	n := 0
	for where, expr := range queries(t) {
		n += check(where, expr)
	}
	if n < 6 {
		t.Errorf("only %d increase() of Crossplane counters checked", n)
	}
}

// TestSyncedAlertWatchesTheXR: a claim's Synced is its own sync with its XR
// (facts crossplane.yaml claimSync), so an alert on it would not see an
// environment Crossplane cannot reconcile; it must select the XEnvironment.
func TestSyncedAlertWatchesTheXR(t *testing.T) {
	if !facts.Crossplane.ClaimSync.OwnSynced {
		t.Fatal("facts crossplane.yaml claimSync: a claim's Synced now follows its XR; the alert may watch the claim again: revisit this test")
	}
	r, _ := readRule(t)
	n := 0
	for _, g := range r.Spec.Groups {
		for _, rule := range g.Rules {
			if !strings.Contains(rule.Expr, `type="Synced"`) {
				continue
			}
			n++
			if !strings.Contains(rule.Expr, `customresource_kind="XEnvironment"`) {
				t.Errorf("%s alerts on Synced of %s, want the XEnvironment's", rule.Alert, rule.Expr)
			}
		}
	}
	if n == 0 {
		t.Error("no alert watches Synced")
	}
}
