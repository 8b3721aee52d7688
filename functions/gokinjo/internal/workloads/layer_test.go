package workloads

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// TestSequencing: what is composed with what the other layers have reported
// so far, and what the layer says it waits for.
func TestSequencing(t *testing.T) {
	full := known("dev")
	cases := map[string]struct {
		reason   string
		obs      preset.WorkloadsObserved
		want     []string
		wantNot  []string
		waitsFor []string
	}{
		"NothingObserved": {
			reason:   "Without the cluster's ProviderConfig nothing can be deployed: the layer composes nothing and waits.",
			obs:      preset.WorkloadsObserved{},
			wantNot:  []string{compNamespace, addonComp(addonMetricsServer)},
			waitsFor: []string{"ProviderConfig"},
		},
		"ProviderConfigOnly": {
			reason:   "With only the ProviderConfig, what needs nothing else is composed (the API's service account has no role); the database, the controllers' IRSA roles and the images are waited for.",
			obs:      preset.WorkloadsObserved{Cluster: v1alpha1.ClusterInput{ProviderConfigName: "gokinjo-dev"}},
			want:     []string{compNamespace, compConfig, compAPISA, netpolComp("default-deny"), dashboardComp("system-overview"), addonComp(addonMetricsServer), addonComp(addonMonitoring)},
			wantNot:  []string{compDBSecret, compMigrate, deploymentComp("api"), deploymentComp("frontend"), addonComp(addonAirflow), addonComp(addonLBController), compIngress},
			waitsFor: []string{"database connection secret", "IRSA role", "image repository"},
		},
		"EverythingObservedFirstRound": {
			reason:   "With every input known the migration Job is composed, but the API Deployment waits for it to complete.",
			obs:      full,
			want:     []string{compDBSecret, compAPISA, compMigrate, compAirflowDBInit, deploymentComp("frontend"), addonComp(addonLBController), addonComp(addonClusterAutoscaler)},
			wantNot:  []string{deploymentComp("api"), compIngress, addonComp(addonAirflow), compServiceMonitor},
			waitsFor: []string{"migration Job", "metadata database", "kube-prometheus-stack"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := composetest.MustRun(t, Layer{}, v1alpha1.KindWorkloads, testXR, params("dev", tc.obs, nil), nil).State
			for _, c := range tc.want {
				if _, ok := s.Desired()[resource.Name(c)]; !ok {
					t.Errorf("%s\n%s is not composed; composed: %v", tc.reason, c, s.Names())
				}
			}
			for _, c := range tc.wantNot {
				if _, ok := s.Desired()[resource.Name(c)]; ok {
					t.Errorf("%s\n%s is composed too early", tc.reason, c)
				}
			}
			waits := strings.Join(s.Waiting(), "; ")
			for _, w := range tc.waitsFor {
				if !strings.Contains(waits, w) {
					t.Errorf("%s\nwaits for %q, want it to wait for %q", tc.reason, waits, w)
				}
			}
		})
	}
}

// TestConverged: once everything is simulated ready, every component is
// composed, nothing is waited for and status carries the URLs.
func TestConverged(t *testing.T) {
	for _, env := range []string{"dev", "staging", "prod"} {
		t.Run(env, func(t *testing.T) {
			_, s, dxr := converge(t, params(env, known(env), nil))
			if w := s.Waiting(); len(w) != 0 {
				t.Fatalf("still waiting for %v", w)
			}
			for _, c := range []string{deploymentComp("api"), compIngress, compServiceMonitor, compPrometheusRule, addonComp(addonAirflow), naming.UsageComponent(addonComp(addonLBController), compIngress), naming.UsageComponent(clusterLayerComponent, addonComp(addonAirflow))} {
				if _, ok := s.Desired()[resource.Name(c)]; !ok {
					t.Errorf("%s is not composed", c)
				}
			}
			var st v1alpha1.WorkloadsStatus
			b, _ := json.Marshal(dxr.Object["status"])
			_ = json.Unmarshal(b, &st)
			if !strings.HasPrefix(st.AppURL, "http://k8s-") || !strings.HasSuffix(st.AppURL, ".elb.amazonaws.com") {
				t.Errorf("status.appUrl = %q, want the ALB's address", st.AppURL)
			}
			if st.AirflowURL == "" || st.GrafanaURL == "" || !st.Migrated {
				t.Errorf("status = %+v, want Airflow and Grafana URLs and migrated", st)
			}
			if st.Releases[addonAirflow] != "deployed" {
				t.Errorf("status.releases = %v, want airflow deployed", st.Releases)
			}
		})
	}
}

// TestPresets: replicas (the HPA's minimum) and resources per environment.
func TestPresets(t *testing.T) {
	cases := map[string]struct {
		env, app              string
		replicas, maxReplicas int64
		cpuLimit              string
	}{
		"DevAPI":       {"dev", "api", 1, 3, "500m"},
		"ProdAPI":      {"prod", "api", 2, 10, "1"},
		"ProdFrontend": {"prod", "frontend", 3, 10, "500m"},
		"StagingAPI":   {"staging", "api", 2, 5, "1"},
		"DevFrontend":  {"dev", "frontend", 1, 3, "250m"},
		"StagingFront": {"staging", "frontend", 2, 6, "500m"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, s, _ := converge(t, params(tc.env, known(tc.env), nil))
			m := manifests(s)
			d := m[deploymentComp(tc.app)]
			spec := d["spec"].(map[string]any)
			if r, set := spec["replicas"]; set {
				t.Errorf("the Deployment sets replicas %v: the HPA owns the count (its minReplicas), and provider-kubernetes would undo each scale", r)
			}
			c := spec["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
			if got := c["resources"].(map[string]any)["limits"].(map[string]any)["cpu"]; got != tc.cpuLimit {
				t.Errorf("cpu limit = %v, want %s", got, tc.cpuLimit)
			}
			h := m[hpaComp(tc.app)]["spec"].(map[string]any)
			if numTest(h["minReplicas"]) != tc.replicas || numTest(h["maxReplicas"]) != tc.maxReplicas {
				t.Errorf("HPA %v-%v, want %d-%d", h["minReplicas"], h["maxReplicas"], tc.replicas, tc.maxReplicas)
			}
		})
	}
}

// TestIngress: the ALB annotations with and without a certificate, and the
// routes.
func TestIngress(t *testing.T) {
	const cert = "arn:aws:acm:ap-northeast-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100"
	cases := map[string]struct {
		cert string
		want map[string]string
		none []string
	}{
		"HTTP": {
			want: map[string]string{albPrefix + "scheme": "internet-facing", albPrefix + "target-type": "ip", albPrefix + "listen-ports": `[{"HTTP": 80}]`},
			none: []string{albPrefix + "certificate-arn", albPrefix + "ssl-redirect"},
		},
		"HTTPS": {
			cert: cert,
			want: map[string]string{albPrefix + "listen-ports": `[{"HTTP": 80}, {"HTTPS": 443}]`, albPrefix + "certificate-arn": cert, albPrefix + "ssl-redirect": "443"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, s, dxr := converge(t, params("prod", known("prod"), func(p *v1alpha1.WorkloadsParameters) { p.CertificateARN = tc.cert }))
			ing := manifests(s)[compIngress]
			ann := ing["metadata"].(map[string]any)["annotations"].(map[string]any)
			for k, v := range tc.want {
				if ann[k] != v {
					t.Errorf("annotation %s = %v, want %s", k, ann[k], v)
				}
			}
			for _, k := range tc.none {
				if _, ok := ann[k]; ok {
					t.Errorf("annotation %s is set without a certificate", k)
				}
			}
			spec := ing["spec"].(map[string]any)
			if spec["ingressClassName"] != "alb" {
				t.Errorf("ingressClassName = %v", spec["ingressClassName"])
			}
			var routes []string
			for _, p := range spec["rules"].([]any)[0].(map[string]any)["http"].(map[string]any)["paths"].([]any) {
				pm := p.(map[string]any)
				routes = append(routes, pm["path"].(string)+"->"+pm["backend"].(map[string]any)["service"].(map[string]any)["name"].(string))
			}
			if diff := cmp.Diff([]string{"/v1->gokinjo-api", "/healthz->gokinjo-api", "/->gokinjo-frontend"}, routes); diff != "" {
				t.Errorf("routes (-want +got):\n%s", diff)
			}
			url, _ := dxr.GetString("status.appUrl")
			if tc.cert != "" && !strings.HasPrefix(url, "https://") {
				t.Errorf("status.appUrl = %q, want https with a certificate", url)
			}
		})
	}
}

// TestNoPasswordInSpecs: the database password reaches the cluster only
// through provider references; no composed spec holds it, and the database
// Secret copies every connection value from the management cluster.
func TestNoPasswordInSpecs(t *testing.T) {
	_, s, _ := converge(t, params("prod", known("prod"), nil))
	sec := s.Desired()[resource.Name(compDBSecret)].Resource
	m, _ := sec.GetValue("spec.forProvider.manifest")
	b, _ := json.Marshal(m)
	if strings.Contains(string(b), "PGPASSWORD") {
		t.Errorf("the Secret manifest names PGPASSWORD itself: %s", b)
	}
	refs, _ := sec.GetValue("spec.references")
	got := map[string]string{}
	for _, r := range refs.([]any) {
		rm := r.(map[string]any)
		if pf, ok := rm["patchesFrom"].(map[string]any); ok {
			got[rm["toFieldPath"].(string)] = pf["namespace"].(string) + "/" + pf["name"].(string) + ":" + pf["fieldPath"].(string)
		}
	}
	want := map[string]string{
		"data.PGHOST":     "crossplane-system/gokinjo-prod-db:data.address",
		"data.PGPORT":     "crossplane-system/gokinjo-prod-db:data.port",
		"data.PGUSER":     "crossplane-system/gokinjo-prod-db:data.username",
		"data.PGPASSWORD": "crossplane-system/gokinjo-prod-db:data.password",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("patchesFrom (-want +got):\n%s", diff)
	}
	for name, d := range s.Desired() {
		b, _ := json.Marshal(d.Resource.Object)
		if strings.Contains(strings.ToLower(string(b)), "pass\":\"") {
			t.Errorf("%s holds a literal password value", name)
		}
		// A password in a Helm set value breaks on a comma (strvals) and
		// shows in the Release's spec: no Release sets anything.
		if d.Resource.GetKind() == releaseGVK.Kind {
			if set, err := d.Resource.GetValue("spec.forProvider.set"); err == nil {
				t.Errorf("%s has Helm set values %v: values must come from the spec or the cluster", name, set)
			}
		}
	}
	airflow := s.Desired()[resource.Name(addonComp(addonAirflow))].Resource
	if got, _ := airflow.GetString("spec.forProvider.values.data.metadataSecretName"); got != airflowMetadataSecret {
		t.Errorf("Airflow reads its metadata connection from %q, want the composed Secret %q", got, airflowMetadataSecret)
	}
	if _, err := airflow.GetValue("spec.forProvider.values.data.metadataConnection"); err == nil {
		t.Errorf("Airflow values carry data.metadataConnection: the connection must come from the Secret")
	}
	conn, _ := s.Desired()[resource.Name(compAirflowMetadata)].Resource.GetString("spec.forProvider.manifest.stringData.connection")
	if conn != "postgresql:///airflow?sslmode=require" {
		t.Errorf("Airflow's metadata connection = %q, want one naming only the database (libpq reads PG*)", conn)
	}
	envFrom, _ := airflow.GetString("spec.forProvider.values.extraEnvFrom")
	if !strings.Contains(envFrom, "name: "+DBSecretName) {
		t.Errorf("Airflow's extraEnvFrom = %q, want the database Secret %s", envFrom, DBSecretName)
	}
}

// TestAirflowUnderProviderHelm: with wait, no Job may be a Helm hook (a
// post-install hook waits for pods that wait for it), and the migration Job
// gets the database credentials from the custom environment.
func TestAirflowUnderProviderHelm(t *testing.T) {
	_, s, _ := converge(t, params("dev", known("dev"), nil))
	r := s.Desired()[resource.Name(addonComp(addonAirflow))].Resource
	if w, _ := r.GetBool("spec.forProvider.wait"); !w {
		t.Fatal("the Airflow release does not wait: this test is about wait")
	}
	for path, want := range map[string]bool{
		"migrateDatabaseJob.useHelmHooks":   false,
		"migrateDatabaseJob.applyCustomEnv": true,
		"createUserJob.useHelmHooks":        false,
		"createUserJob.applyCustomEnv":      false,
		"webserver.defaultUser.enabled":     false,
	} {
		got, err := r.GetBool("spec.forProvider.values." + path)
		if err != nil || got != want {
			t.Errorf("values.%s = %v (%v), want %v", path, got, err, want)
		}
	}
	if sc, _ := r.GetString("spec.forProvider.values.triggerer.persistence.storageClassName"); sc != storageClass() || sc == "" {
		t.Errorf("triggerer storageClassName = %q, want the cluster default %q", sc, storageClass())
	}
}

// TestUsages: deletion ordering objects reference composed components.
func TestUsages(t *testing.T) {
	_, s, _ := converge(t, params("staging", known("staging"), nil))
	n := 0
	for name, d := range s.Desired() {
		if d.Resource.GetKind() != mr.ClusterUsageGVK.Kind {
			continue
		}
		n++
		if d.Resource.GetAPIVersion() != "protection.crossplane.io/v1beta1" {
			t.Errorf("%s: apiVersion %s", name, d.Resource.GetAPIVersion())
		}
		by, _ := d.Resource.GetString("spec.by.resourceSelector.matchLabels[platform.gokinjo.io/component]")
		if _, ok := s.Desired()[resource.Name(by)]; !ok {
			t.Errorf("%s: by selects %q, which is not composed", name, by)
		}
	}
	// LB controller by Ingress, monitoring by ServiceMonitor and rules, the
	// monitoring namespace by monitoring, the XNetwork (the controller's
	// egress) by the Ingress, and the cluster layer by the five releases,
	// the two namespaces and the Ingress.
	if n != 13 {
		t.Errorf("%d usages, want 13", n)
	}
	net := s.Desired()[resource.Name(naming.UsageComponent(networkComponent, compIngress))]
	if net == nil {
		t.Error("no Usage keeps the XNetwork (the controller's egress) until the Ingress is gone")
	} else if kind, _ := net.Resource.GetString("spec.of.kind"); kind != v1alpha1.KindNetwork {
		t.Errorf("the network Usage selects a %s", kind)
	}
	users := map[string]bool{compNamespace: true, compMonitoringNamespace: true, compIngress: true}
	for _, a := range []string{addonLBController, addonMonitoring, addonAirflow, addonClusterAutoscaler, addonMetricsServer} {
		users[addonComp(a)] = true
	}
	for by := range users {
		u, ok := s.Desired()[resource.Name(naming.UsageComponent(clusterLayerComponent, by))]
		if !ok {
			t.Errorf("no Usage keeps the cluster layer until %s is gone", by)
			continue
		}
		kind, _ := u.Resource.GetString("spec.of.kind")
		env, _ := u.Resource.GetString("spec.of.resourceSelector.matchLabels[platform.gokinjo.io/environment-id]")
		if kind != v1alpha1.KindCluster || env == "" {
			t.Errorf("the Usage kept for %s selects %s in environment %q, want the environment's XCluster", by, kind, env)
		}
	}
}

// observedJobWith is the observed migration Job Object of a name, with a Job
// status.
func observedJobWith(t *testing.T, s *compose.State, name string, status map[string]any) resource.ObservedComposed {
	t.Helper()
	d := s.Desired()[resource.Name(compMigrate)].Resource
	u := d.DeepCopy()
	if err := u.SetValue("spec.forProvider.manifest.metadata.name", name); err != nil {
		t.Fatal(err)
	}
	if err := u.SetValue("status.atProvider.manifest.status", status); err != nil {
		t.Fatal(err)
	}
	if err := u.SetValue("status.atProvider.manifest.metadata.name", name); err != nil {
		t.Fatal(err)
	}
	return resource.ObservedComposed{Resource: u}
}

// TestMigrationJobRecovers: a Job that waits for a missing image is never
// given a deadline that would fail it for good; a failed Job for a tag is
// replaced by the next attempt; the status says why and what to do.
func TestMigrationJobRecovers(t *testing.T) {
	p := params("dev", known("dev"), nil)
	s := composetest.MustRun(t, Layer{}, v1alpha1.KindWorkloads, testXR, p, nil).State
	job := s.Desired()[resource.Name(compMigrate)].Resource
	if _, err := job.GetValue("spec.forProvider.manifest.spec.activeDeadlineSeconds"); err == nil {
		t.Error("the migration Job has activeDeadlineSeconds: a pod waiting for an unpushed image would fail it for good")
	}
	base, _ := job.GetString("spec.forProvider.manifest.metadata.name")
	if !regexp.MustCompile(`^gokinjo-api-migrate-v0-1-0-[0-9a-f]{8}$`).MatchString(base) {
		t.Fatalf("first attempt named %q, want gokinjo-api-migrate-v0-1-0-<pod spec hash>", base)
	}

	cases := map[string]struct {
		observedName string
		status       map[string]any
		wantName     string
		wantWait     string
	}{
		"ImageNotPushed": {
			observedName: base,
			status:       map[string]any{"active": int64(1), "ready": int64(0)},
			wantName:     base,
			wantWait:     "ImagePullBackOff (image not found)",
		},
		"FailedIsRetried": {
			observedName: base,
			status:       map[string]any{"failed": int64(5), "conditions": []any{map[string]any{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}}},
			wantName:     base + "-2",
			wantWait:     "BackoffLimitExceeded",
		},
		"SecondAttemptFailed": {
			observedName: base + "-2",
			status:       map[string]any{"conditions": []any{map[string]any{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}}},
			wantName:     base + "-3",
			wantWait:     base + "-3",
		},
		"SecondAttemptRunning": {
			observedName: base + "-2",
			status:       map[string]any{"active": int64(1), "ready": int64(1)},
			wantName:     base + "-2",
		},
		"OtherTagFailed": {
			observedName: "gokinjo-api-migrate-v0-0-9-4",
			status:       map[string]any{"conditions": []any{map[string]any{"type": "Failed", "status": "True"}}},
			wantName:     base,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obs := map[resource.Name]resource.ObservedComposed{resource.Name(compMigrate): observedJobWith(t, s, tc.observedName, tc.status)}
			r := composetest.MustRun(t, Layer{}, v1alpha1.KindWorkloads, testXR, p, obs)
			s2, dxr := r.State, r.DXR
			got, _ := s2.Desired()[resource.Name(compMigrate)].Resource.GetString("spec.forProvider.manifest.metadata.name")
			if got != tc.wantName {
				t.Errorf("Job name %q, want %q", got, tc.wantName)
			}
			if tc.wantWait == "" {
				return
			}
			waits := strings.Join(s2.Waiting(), "; ")
			if !strings.Contains(waits, tc.wantWait) {
				t.Errorf("waits %q, want it to say %q", waits, tc.wantWait)
			}
			if m, _ := dxr.GetString("status.migration"); !strings.Contains(m, tc.wantWait) {
				t.Errorf("status.migration %q, want it to say %q", m, tc.wantWait)
			}
		})
	}
}

func numTest(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case float64:
		return int64(n)
	case int:
		return int64(n)
	}
	return -1
}
