//go:build e2e

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Two opt-in diagnostics of where the API server's time goes during apply
// to Ready (test/e2e/README.md, "Where the minutes go"):
//
//   - E2E_AUDIT=1 has kube-apiserver write an audit log of every write
//     (Metadata level) and adds a figure of the writes during apply to Ready
//     by client, verb and resource; the whole table goes to
//     _output/e2e/writes.txt.
//   - E2E_PROFILE_SECONDS=N records kube-apiserver's CPU profile for the
//     first N seconds after the claims are applied, into
//     _output/e2e/kube-apiserver.cpu.pprof (`go tool pprof`).
//
// Both cost the API server some CPU, so runs that report figures leave
// them off.

const envAudit, envProfile = "E2E_AUDIT", "E2E_PROFILE_SECONDS"

// auditPolicy logs every write's metadata (who, which verb, which object),
// not request bodies.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  verbs: [create, update, patch, delete]
`

func (h *harness) auditLog() string { return filepath.Join(h.out, "audit.log") }

// auditFlags are kube-apiserver's flags for the audit log when E2E_AUDIT is
// set.
func (h *harness) auditFlags() (map[string]string, error) {
	if os.Getenv(envAudit) == "" {
		return nil, nil
	}
	policy := filepath.Join(h.work, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(auditPolicy), 0o644); err != nil {
		return nil, err
	}
	return map[string]string{"audit-policy-file": policy, "audit-log-path": h.auditLog()}, nil
}

// writesFigure counts the audited writes between from and to by client,
// verb and resource.
func (h *harness) writesFigure(phase string, from, to time.Time) {
	if os.Getenv(envAudit) == "" {
		return
	}
	f, err := os.Open(h.auditLog())
	if err != nil {
		h.t.Logf("audit log: %v", err)
		return
	}
	defer f.Close()
	type entry struct {
		Verb      string `json:"verb"`
		UserAgent string `json:"userAgent"`
		Stage     string `json:"stage"`
		Received  string `json:"requestReceivedTimestamp"`
		Time      string `json:"stageTimestamp"`
		ObjectRef struct {
			Resource    string `json:"resource"`
			Subresource string `json:"subresource"`
		} `json:"objectRef"`
	}
	counts := map[string]int{}
	total := 0
	// Crossplane applies an XR's composed resources one after another on
	// every reconcile, so the server time of an apply is a large part of how
	// long one reconcile of a layer takes (its RunFunction call, the client's
	// side and the status writes are the rest). At Metadata level a patch
	// cannot be told from an apply; Crossplane's patches here are applies.
	var applies []time.Duration
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e entry
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Stage != "ResponseComplete" {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, e.Time)
		if err != nil || at.Before(from) || at.After(to) {
			continue
		}
		client, _, _ := strings.Cut(e.UserAgent, "/")
		res := e.ObjectRef.Resource
		if e.ObjectRef.Subresource != "" {
			res += "/" + e.ObjectRef.Subresource
		}
		counts[client+" "+e.Verb+" "+res]++
		total++
		if received, err := time.Parse(time.RFC3339Nano, e.Received); err == nil &&
			client == "crossplane-core" && e.Verb == "patch" && e.ObjectRef.Subresource == "" && res != "events" {
			applies = append(applies, at.Sub(received))
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return counts[keys[i]] > counts[keys[j]] })
	var table strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&table, "%6d %s\n", counts[k], k)
	}
	_ = os.WriteFile(filepath.Join(h.out, "writes.txt"), []byte(table.String()), 0o644)
	top := keys[:min(8, len(keys))]
	parts := make([]string, len(top))
	for i, k := range top {
		parts[i] = fmt.Sprintf("%s %d", k, counts[k])
	}
	h.figs.add("API writes during %s: %d; most: %s (all: writes.txt)", phase, total, strings.Join(parts, ", "))
	if len(applies) > 0 {
		sort.Slice(applies, func(i, j int) bool { return applies[i] < applies[j] })
		q := func(p float64) float64 { return applies[int(p*float64(len(applies)-1))].Seconds() * 1000 }
		h.figs.add("server time of Crossplane's applies during %s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms (%d applies)",
			phase, q(0.5), q(0.9), q(0.99), len(applies))
	}
}

// profileAPIServer starts kube-apiserver's CPU profile when
// E2E_PROFILE_SECONDS is set; the function it returns waits for it.
func (h *harness) profileAPIServer() (wait func()) {
	secs, err := strconv.Atoi(os.Getenv(envProfile))
	if err != nil || secs <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		body, err := h.c.kube.CoreV1().RESTClient().Get().AbsPath("/debug/pprof/profile").
			Param("seconds", strconv.Itoa(secs)).Timeout(time.Duration(secs+30) * time.Second).DoRaw(h.ctx)
		if err != nil {
			h.t.Logf("kube-apiserver CPU profile: %v", err)
			return
		}
		_ = os.WriteFile(filepath.Join(h.out, "kube-apiserver.cpu.pprof"), body, 0o644)
	}()
	return func() { <-done }
}
