package workloads

import (
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// withTag is the parameters of a release of tag: the claim's
// spec.parameters.workloads.version, which sets the API's tag.
func withTag(tag string) v1alpha1.WorkloadsParameters {
	return params("dev", known("dev"), func(p *v1alpha1.WorkloadsParameters) {
		p.Version, p.API.Tag, p.Frontend.Tag = tag, tag, tag
	})
}

// migrateJobOf is the first migration Job composed for tag.
func migrateJobOf(t *testing.T, tag string) string {
	t.Helper()
	s := composetest.MustRun(t, Layer{}, v1alpha1.KindWorkloads, testXR, withTag(tag), nil).State
	n, _ := s.Desired()[resource.Name(compMigrate)].Resource.GetString("spec.forProvider.manifest.metadata.name")
	return n
}

// observedRelease is what the providers report while the API Deployment
// runs runningTag and the migration Job named job has the given Job status
// (ready: the Object's Ready condition, as its readiness policy sets it).
func observedRelease(t *testing.T, runningTag, job string, ready bool, jobStatus map[string]any) map[resource.Name]resource.ObservedComposed {
	t.Helper()
	running := composetest.MustRun(t, Layer{}, v1alpha1.KindWorkloads, testXR, withTag(runningTag), nil).State
	migrated := composetest.Observe(t, testXR, running)
	s := composetest.MustRun(t, Layer{}, v1alpha1.KindWorkloads, testXR, withTag(runningTag), migrated).State
	obs := composetest.Observe(t, testXR, s)
	j := observedJobWith(t, s, job, jobStatus)
	cond := map[string]any{"type": "Ready", "status": "False", "reason": "Creating"}
	if ready {
		cond["status"], cond["reason"] = "True", "Available"
	}
	if err := j.Resource.SetValue("status.conditions", []any{cond}); err != nil {
		t.Fatal(err)
	}
	obs[resource.Name(compMigrate)] = j
	if img := apiImage(t, obs[resource.Name(deploymentComp("api"))].Resource.Object); !strings.HasSuffix(img, ":"+runningTag) {
		t.Fatalf("observed API runs %q, want tag %s", img, runningTag)
	}
	return obs
}

// seenEarlier makes the observed migration Job Object's status show an
// earlier Job than its spec names: provider-kubernetes has not yet observed
// the Job the function composed last.
func seenEarlier(t *testing.T, obs map[resource.Name]resource.ObservedComposed, job string, jobStatus map[string]any) map[resource.Name]resource.ObservedComposed {
	t.Helper()
	u := obs[resource.Name(compMigrate)].Resource
	if err := u.SetValue("status.atProvider.manifest.metadata.name", job); err != nil {
		t.Fatal(err)
	}
	if err := u.SetValue("status.atProvider.manifest.status", jobStatus); err != nil {
		t.Fatal(err)
	}
	return obs
}

func apiImage(t *testing.T, obj map[string]any) string {
	t.Helper()
	c, _ := obj["spec"].(map[string]any)["forProvider"].(map[string]any)["manifest"].(map[string]any)["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)
	if len(c) == 0 {
		t.Fatal("API Deployment without a container")
	}
	return c[0].(map[string]any)["image"].(string)
}

var (
	complete = map[string]any{"succeeded": int64(1), "conditions": []any{map[string]any{"type": "Complete", "status": "True"}}}
	failed   = map[string]any{"failed": int64(5), "conditions": []any{map[string]any{
		"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit",
	}}}
	running = map[string]any{"active": int64(1), "ready": int64(1)}
)

// TestReleaseByTag walks a release the way the claim drives it: a new tag's
// migration Job runs before the API (and with it the frontend) moves; a migration that fails for good
// leaves the API on the version it runs and says why on the XR (its
// ResourcesReady condition reaches the claim); reverting the tag recovers
// with the Job that already completed, nobody deleting a Job.
func TestReleaseByTag(t *testing.T) {
	v2job, v3job := migrateJobOf(t, "v2"), migrateJobOf(t, "v3")
	cases := map[string]struct {
		reason    string
		tag       string
		observed  map[resource.Name]resource.ObservedComposed
		wantJob   string
		wantAPI   string
		wantWait  []string // substrings of the XR's waits; nil: no wait about the migration
		wantState string
	}{
		"NewTagJobNotObservedYet": {
			reason:   "Right after the edit the observed Job is still v1's, complete: the API must stay on v1 until v2's own Job completes.",
			tag:      "v2",
			observed: observedRelease(t, "v1", migrateJobOf(t, "v1"), true, complete),
			wantJob:  v2job, wantAPI: "v1",
			wantWait: []string{"the schema migration Job to complete"},
		},
		"NewTagStatusStale": {
			reason:   "The Object's spec names v2's Job but its status (and Ready) is still v1's complete Job: the API must stay on v1.",
			tag:      "v2",
			observed: seenEarlier(t, observedRelease(t, "v1", v2job, true, complete), migrateJobOf(t, "v1"), complete),
			wantJob:  v2job, wantAPI: "v1",
			wantWait: []string{"the schema migration Job to complete"},
		},
		"RetryStatusStale": {
			reason:   "The spec names the second attempt while the status still shows the first, failed: that failure is not the second attempt's, no third is composed.",
			tag:      "v3",
			observed: seenEarlier(t, observedRelease(t, "v2", v3job+"-2", false, running), v3job, failed),
			wantJob:  v3job + "-2", wantAPI: "v2",
			wantWait: []string{"the schema migration Job to complete"},
		},
		"NewTagMigrating": {
			reason:   "While v2's migration runs, the API stays on v1.",
			tag:      "v2",
			observed: observedRelease(t, "v1", v2job, false, running),
			wantJob:  v2job, wantAPI: "v1",
			wantWait: []string{"the schema migration Job to complete"},
		},
		"NewTagMigrated": {
			reason:   "Once v2's migration has completed, the API Deployment runs v2.",
			tag:      "v2",
			observed: observedRelease(t, "v1", v2job, true, complete),
			wantJob:  v2job, wantAPI: "v2",
		},
		"FirstFailureRetried": {
			reason:   "A failed first attempt gets a second Job; the API stays on v2.",
			tag:      "v3",
			observed: observedRelease(t, "v2", v3job, false, failed),
			wantJob:  v3job + "-2", wantAPI: "v2",
			wantWait: []string{"BackoffLimitExceeded", v3job + "-2"}, wantState: "BackoffLimitExceeded",
		},
		"FailedForGood": {
			reason:   "After the last attempt no new Job is composed; the API stays on v2 and the XR says why and what to do.",
			tag:      "v3",
			observed: observedRelease(t, "v2", v3job+"-3", false, failed),
			wantJob:  v3job + "-3", wantAPI: "v2",
			wantWait: []string{"BackoffLimitExceeded", "after 3 attempts", "revert spec.parameters.workloads.version"}, wantState: "after 3 attempts",
		},
		"Reverted": {
			reason:   "Reverting to v2 composes v2's Job again (the one that completed); the API stays on v2.",
			tag:      "v2",
			observed: observedRelease(t, "v2", v3job+"-3", false, failed),
			wantJob:  v2job, wantAPI: "v2",
		},
		"RevertedReady": {
			reason:   "Once provider-kubernetes observes v2's completed Job the migration is done: nothing waits.",
			tag:      "v2",
			observed: observedRelease(t, "v2", v2job, true, complete),
			wantJob:  v2job, wantAPI: "v2",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := composetest.MustRun(t, Layer{}, v1alpha1.KindWorkloads, testXR, withTag(tc.tag), tc.observed)
			s, dxr := r.State, r.DXR
			job, _ := s.Desired()[resource.Name(compMigrate)].Resource.GetString("spec.forProvider.manifest.metadata.name")
			if job != tc.wantJob {
				t.Errorf("%s\nmigration Job %q, want %q", tc.reason, job, tc.wantJob)
			}
			d, ok := s.Desired()[resource.Name(deploymentComp("api"))]
			if !ok {
				t.Fatalf("%s\nno API Deployment composed", tc.reason)
			}
			if img := apiImage(t, d.Resource.Object); !strings.HasSuffix(img, ":"+tc.wantAPI) {
				t.Errorf("%s\nAPI image %q, want tag %s", tc.reason, img, tc.wantAPI)
			}
			// The frontend moves with the API, never ahead of it.
			if f, ok := s.Desired()[resource.Name(deploymentComp("frontend"))]; !ok {
				t.Errorf("%s\nno frontend Deployment composed", tc.reason)
			} else if img := apiImage(t, f.Resource.Object); !strings.HasSuffix(img, ":"+tc.wantAPI) {
				t.Errorf("%s\nfrontend image %q, want tag %s (the API's)", tc.reason, img, tc.wantAPI)
			}
			waits := strings.Join(s.Waiting(), "; ")
			if tc.wantWait == nil && strings.Contains(waits, "migration") {
				t.Errorf("%s\nwaits %q, want none about the migration", tc.reason, waits)
			}
			for _, w := range tc.wantWait {
				if !strings.Contains(waits, w) {
					t.Errorf("%s\nwaits %q, want them to say %q", tc.reason, waits, w)
				}
			}
			// The XR's ResourcesReady condition, which reaches the claim,
			// carries the waits.
			_, cond := compose.Explain(s, s.Waiting())
			for _, w := range tc.wantWait {
				if !strings.Contains(cond.Message, w) {
					t.Errorf("%s\nResourcesReady %q, want it to say %q", tc.reason, cond.Message, w)
				}
			}
			if m, _ := dxr.GetString("status.migration"); tc.wantState != "" && !strings.Contains(m, tc.wantState) {
				t.Errorf("%s\nstatus.migration %q, want it to say %q", tc.reason, m, tc.wantState)
			}
		})
	}
}

// TestReadinessFromObservedManifest: migrated() trusts an Object's Ready
// condition only together with the Job its observed manifest names. That is
// sound only while provider-kubernetes writes both in one status update for
// the readiness policy the layer composes (facts: provider-kubernetes.yaml);
// a provider bump that changes it must change the layer.
func TestReadinessFromObservedManifest(t *testing.T) {
	if !facts.ProviderKubernetes.ReadyWithManifest(readinessPolicy) {
		t.Fatalf("provider-kubernetes %s does not derive Ready from the observed manifest for %s: migrated() cannot trust Ready with the observed Job name",
			facts.ProviderKubernetes.Version, readinessPolicy)
	}
	if got := observed("metadata.name"); got != "status.atProvider.manifest.metadata.name" {
		t.Errorf("observed(metadata.name) = %q", got)
	}
}

// TestJobNamesFollowPodSpec: a Job's pod template is immutable, so a Job
// whose pod spec changes under the same tag (another image repository)
// gets a new name; an environment whose Job was composed before names
// carried the hash keeps that Job (nothing re-runs on the package upgrade)
// while its pod spec is the one composed now; and a new Airflow database
// Job never drops the installed Airflow release.
func TestJobNamesFollowPodSpec(t *testing.T) {
	p := params("dev", known("dev"), nil)
	_, s, _ := converge(t, p)
	obs := composetest.Observe(t, testXR, s)
	name := func(s *compose.State, comp string) string {
		n, _ := s.Desired()[resource.Name(comp)].Resource.GetString("spec.forProvider.manifest.metadata.name")
		return n
	}
	mig, db := name(s, compMigrate), name(s, compAirflowDBInit)

	moved := p
	moved.API.Image = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/other-api"
	s2 := composetest.MustRun(t, Layer{}, v1alpha1.KindWorkloads, testXR, moved, obs).State
	if got := name(s2, compMigrate); got == mig || !strings.HasPrefix(got, "gokinjo-api-migrate-v0-1-0-") {
		t.Errorf("another image repository under the same tag: migration Job %q, want a new gokinjo-api-migrate-v0-1-0-<hash> (was %q)", got, mig)
	}

	// An existing environment: the observed Objects name the Jobs the way
	// the package did before (no hash), with the same pod spec.
	legacy := map[string]string{compMigrate: "gokinjo-api-migrate-v0-1-0", compAirflowDBInit: "airflow-db-init"}
	old := map[resource.Name]resource.ObservedComposed{}
	for k, v := range obs {
		old[k] = v
	}
	for comp, n := range legacy {
		u := obs[resource.Name(comp)].Resource.DeepCopy()
		for _, f := range []string{"spec.forProvider.manifest.metadata.name", "status.atProvider.manifest.metadata.name"} {
			if err := u.SetValue(f, n); err != nil {
				t.Fatal(err)
			}
		}
		old[resource.Name(comp)] = resource.ObservedComposed{Resource: u}
	}
	s3 := composetest.MustRun(t, Layer{}, v1alpha1.KindWorkloads, testXR, p, old).State
	for comp, n := range legacy {
		if got := name(s3, comp); got != n {
			t.Errorf("%s: existing Job %q renamed to %q: it would run again", comp, n, got)
		}
	}
	if _, ok := s3.Desired()[resource.Name(addonComp(addonAirflow))]; !ok {
		t.Error("the Airflow release is dropped")
	}

	// A changed pod spec of the database Job (as the next package version
	// may compose): a new Job runs, and the installed release stays.
	changed := map[resource.Name]resource.ObservedComposed{}
	for k, v := range old {
		changed[k] = v
	}
	u := old[resource.Name(compAirflowDBInit)].Resource.DeepCopy()
	if err := u.SetValue("spec.forProvider.manifest.spec.template.spec.containers[0].image", "public.ecr.aws/docker/library/postgres:15.7-alpine"); err != nil {
		t.Fatal(err)
	}
	if err := u.SetValue("status.conditions", []any{map[string]any{"type": "Ready", "status": "False", "reason": "Creating"}}); err != nil {
		t.Fatal(err)
	}
	changed[resource.Name(compAirflowDBInit)] = resource.ObservedComposed{Resource: u}
	s4 := composetest.MustRun(t, Layer{}, v1alpha1.KindWorkloads, testXR, p, changed).State
	if got := name(s4, compAirflowDBInit); got != db {
		t.Errorf("database Job %q, want %q (the current pod spec's)", got, db)
	}
	if _, ok := s4.Desired()[resource.Name(addonComp(addonAirflow))]; !ok {
		t.Error("the Airflow release is dropped while a new database Job runs: Crossplane would uninstall it")
	}
}
