//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/internal/awssim"
	"github.com/gokinjo/platform/internal/release"
	"github.com/gokinjo/platform/test/e2e/simulator"
)

// The release scenario's versions: v1 is what dev runs after apply (the
// placeholder images the simulated pipeline pushed), v2 a good release, v3
// a release whose migration fails (SIMULATED: its image carries
// awssim.JobFailsLabel, which the simulator reads).
const (
	releaseV2        = "v0.2.0"
	releaseV3        = "v0.3.0"
	releaseV3Failure = "ERROR: migration 0006_contract_crimes failed: column \"reported_at\" is still used"
	releaseBound     = 4 * time.Minute
)

// releaseDev runs the release flow on dev, driven only by the claim's
// spec.parameters.workloads.version: images pushed to the local registry
// (standing in for dev's ECR) with the release tool's own push; v2's
// migration Job completes, then the API Deployment runs v2; v3's migration
// fails: the API stays on v2 and the claim says why; reverting to v2 makes
// dev Ready again without anyone deleting a Job.
func (h *harness) releaseDev(t *testing.T) {
	claim, err := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-dev", claimName)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := claim.MarshalJSON()
	ecrRepos, err := release.Repositories(b)
	if err != nil {
		t.Fatal(err)
	}
	local := map[string]string{}
	for app, url := range ecrRepos {
		repo, _ := simulator.ECRPath(url)
		local[app] = registryAddr + "/" + repo
	}
	if !h.apiRuns(t, releaseVersion) {
		t.Fatalf("dev does not run %s before the release", releaseVersion)
	}

	start := time.Now()
	for _, v := range []struct{ version, fails string }{{releaseV2, ""}, {releaseV3, releaseV3Failure}} {
		dir := h.releaseImages(t, v.version, v.fails)
		imgs, err := release.Push(h.ctx, dir, v.version, local, release.Keychain())
		if err != nil {
			t.Fatalf("push %s: %v", v.version, err)
		}
		for _, i := range imgs {
			t.Logf("pushed %s %s", i.Ref, i.Digest)
		}
	}
	h.figs.add("release: %s and %s pushed to dev's repositories (local registry) in %.1fs", releaseV2, releaseV3, time.Since(start).Seconds())

	// v2: the migration Job completes before the API Deployment moves.
	start = time.Now()
	h.setVersion(t, releaseV2)
	var migrated time.Duration
	h.releaseWait(t, "v2 rolled out", func(s releaseState) (bool, error) {
		if isJobFor(s.job, releaseV2, 1) && s.jobReady && migrated == 0 {
			migrated = time.Since(start)
		}
		if s.apiTag == releaseV2 && migrated == 0 {
			// The state is read object by object: read the Job again, it
			// may have completed while the API Object was read. A Job's
			// completion never goes back, so not complete now means the
			// API moved first.
			again, err := h.releaseState()
			if err != nil {
				return false, nil
			}
			if !isJobFor(again.job, releaseV2, 1) || !again.jobReady {
				return false, fmt.Errorf("the API Deployment runs %s before its migration Job %s completed (Job %s, ready %v)", releaseV2, jobFor(releaseV2), again.job, again.jobReady)
			}
			migrated = time.Since(start)
		}
		return s.apiTag == releaseV2 && s.apiReady && s.frontendTag == releaseV2 && s.claimReady, nil
	})
	h.figs.add("release: %s -> %s: migration Job complete %.1fs, API on %s and dev Ready %.1fs after the claim edit",
		releaseVersion, releaseV2, migrated.Seconds(), releaseV2, time.Since(start).Seconds())

	// v3: the migration fails; the API stays on v2, the claim says why.
	start = time.Now()
	h.setVersion(t, releaseV3)
	var last releaseState
	h.releaseWait(t, "v3's failure on the claim", func(s releaseState) (bool, error) {
		last = s
		if s.apiTag != releaseV2 || s.frontendTag != releaseV2 {
			return false, fmt.Errorf("the API (%q) or frontend (%q) Deployment left %s while %s's migration fails", s.apiTag, s.frontendTag, releaseV2, releaseV3)
		}
		return !s.claimReady && strings.Contains(s.claimWhy, "BackoffLimitExceeded") && strings.Contains(s.claimWhy, "after 3 attempts"), nil
	})
	if !strings.Contains(last.claimWhy, releaseV3Failure) && !strings.Contains(last.claimWhy, "backoff limit") {
		t.Errorf("the claim does not carry the Job's failure: %s", last.claimWhy)
	}
	if !isJobFor(last.job, releaseV3, 3) {
		t.Errorf("migration Job %q after the failures, want the third attempt of %s", last.job, jobFor(releaseV3))
	}
	h.figs.add("release: %s (failing migration): the claim says why %.1fs after the edit, API kept on %s", releaseV3, time.Since(start).Seconds(), releaseV2)
	t.Logf("claim ResourcesReady while %s fails: %s", releaseV3, last.claimWhy)

	// Rollback: revert the tag.
	start = time.Now()
	h.setVersion(t, releaseV2)
	h.releaseWait(t, "revert to v2", func(s releaseState) (bool, error) {
		if s.apiTag != releaseV2 {
			return false, fmt.Errorf("the API Deployment runs %q during the revert", s.apiTag)
		}
		return isJobFor(s.job, releaseV2, 1) && s.jobReady && s.claimReady, nil
	})
	h.figs.add("release: revert %s -> %s: dev Ready %.1fs after the claim edit", releaseV3, releaseV2, time.Since(start).Seconds())
}

// jobFor is the start of the migration Job's name for a tag (the workloads
// layer's jobName: gokinjo-api-migrate-<tag with dots as dashes>).
func jobFor(tag string) string {
	return "gokinjo-api-migrate-" + strings.NewReplacer(".", "-", "_", "-").Replace(tag)
}

// isJobFor reports whether name is attempt n of the migration Job for a tag:
// jobFor(tag), the hash of the Job's pod spec (so a new spec is a new Job),
// and -<n> from the second attempt on.
func isJobFor(name, tag string, n int) bool {
	attempt := ""
	if n > 1 {
		attempt = fmt.Sprintf("-%d", n)
	}
	return regexp.MustCompile("^" + regexp.QuoteMeta(jobFor(tag)) + "(-[a-z0-9]{8})?" + attempt + "$").MatchString(name)
}

// releaseImages writes image tarballs of version for every app, as make
// images leaves them; fails, if set, marks the images' Jobs as failing
// (SIMULATED, awssim.JobFailsLabel).
func (h *harness) releaseImages(t *testing.T, version, fails string) string {
	t.Helper()
	dir := filepath.Join(h.work, "release-"+version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, a := range release.Apps {
		img, err := random.Image(256, 1)
		if err != nil {
			t.Fatal(err)
		}
		labels := map[string]string{"org.opencontainers.image.version": version}
		if fails != "" {
			labels[awssim.JobFailsLabel] = fails
		}
		img, err = mutate.Config(img, v1.Config{Labels: labels})
		if err != nil {
			t.Fatal(err)
		}
		tag, err := name.NewTag(a.Tag + ":" + version)
		if err != nil {
			t.Fatal(err)
		}
		if err := tarball.WriteToFile(filepath.Join(dir, a.Tarball), tag, img); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// setVersion is the release pull request: examples/claims/dev.yaml with
// its version line changed (release.Bump), applied.
func (h *harness) setVersion(t *testing.T, version string) {
	t.Helper()
	path := filepath.Join(h.work, "dev-"+version+".yaml")
	orig, err := os.ReadFile(filepath.Join(h.root, "examples", "claims", "dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := release.Bump(path, version); err != nil {
		t.Fatal(err)
	}
	objs, err := readYAMLObjects(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if _, err := h.c.apply(h.ctx, o); err != nil {
			t.Fatalf("apply dev claim at %s: %v", version, err)
		}
	}
}

// releaseState is what the scenario watches.
type releaseState struct {
	job                  string // the migration Job's name
	jobReady             bool
	apiTag               string // the tag the API Deployment runs
	frontendTag          string // the tag the frontend Deployment runs
	apiReady, claimReady bool
	claimWhy             string // the claim's ResourcesReady message
}

func (h *harness) releaseState() (releaseState, error) {
	var s releaseState
	claim, err := h.c.get(h.ctx, claimAPIVersion, claimKind, "gokinjo-dev", claimName)
	if err != nil {
		return s, err
	}
	s.claimReady = isTrue(claim, "Ready")
	if c := condition(claim, "ResourcesReady"); c != nil {
		s.claimWhy, _ = c["message"].(string)
	}
	refs, err := h.composed(h.ctx, claim)
	if err != nil {
		return s, err
	}
	for _, r := range refs {
		if r.Kind != "Object" {
			continue
		}
		o, err := h.c.get(h.ctx, r.APIVersion, r.Kind, "", r.Name)
		if err != nil {
			continue
		}
		switch o.GetAnnotations()["crossplane.io/composition-resource-name"] {
		case "migrate-job":
			// The Job the cluster runs is the one provider-kubernetes
			// observed (status), not the one the function last composed
			// (spec): its Ready condition is that Job's.
			composed, _, _ := unstructured.NestedString(o.Object, "spec", "forProvider", "manifest", "metadata", "name")
			s.job, _, _ = unstructured.NestedString(o.Object, "status", "atProvider", "manifest", "metadata", "name")
			s.jobReady = isTrue(o, "Ready") && s.job == composed
		case "api-deployment":
			s.apiTag = deploymentTag(o)
			s.apiReady = isTrue(o, "Ready")
		case "frontend-deployment":
			s.frontendTag = deploymentTag(o)
		}
	}
	return s, nil
}

// deploymentTag is the image tag of a composed Deployment Object.
func deploymentTag(o *unstructured.Unstructured) string {
	cs, _, _ := unstructured.NestedSlice(o.Object, "spec", "forProvider", "manifest", "spec", "template", "spec", "containers")
	if len(cs) == 0 {
		return ""
	}
	img, _ := cs[0].(map[string]any)["image"].(string)
	_, tag := simulator.ECRPath(img)
	return tag
}

// apiRuns reports whether the API Deployment runs tag.
func (h *harness) apiRuns(t *testing.T, tag string) bool {
	s, err := h.releaseState()
	if err != nil {
		t.Fatal(err)
	}
	return s.apiTag == tag && s.apiReady
}

// releaseWait polls the release state until done says so, failing on its
// error (an ordering the release must never show) or after releaseBound.
func (h *harness) releaseWait(t *testing.T, what string, done func(releaseState) (bool, error)) {
	t.Helper()
	var last releaseState
	var broken error
	err := poll(h.ctx, releaseBound, time.Second, func() (bool, error) {
		s, err := h.releaseState()
		if err != nil {
			return false, err // a transient read error: poll again
		}
		last = s
		ok, err := done(s)
		if err != nil {
			broken = err
			return true, nil // stop at once
		}
		return ok, nil
	})
	if broken != nil {
		h.trace(t, "dev")
		t.Fatalf("%s: %v\nstate: %+v", what, broken, last)
	}
	if err != nil {
		h.trace(t, "dev")
		t.Fatalf("%s: %v\nlast state: %+v", what, err, last)
	}
}
