package rendertree

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/internal/awssim"
)

// readyAccount applies the ready-stage observed fixtures of each env to a
// strict simulated account, as the providers would have created them, and
// returns each env's environment id and managed resources.
func readyAccount(t *testing.T, a *awssim.Account, envs ...string) map[string][]*unstructured.Unstructured {
	t.Helper()
	out := map[string][]*unstructured.Unstructured{}
	for _, env := range envs {
		fx, err := ReadFixtures(FixtureDir(filepath.Join(repo, "examples", "observed"), env, "ready"))
		if err != nil {
			t.Fatal(err)
		}
		kinds := make([]string, 0, len(fx))
		for k := range fx {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		var all []*unstructured.Unstructured
		for _, k := range kinds {
			for _, o := range fx[k] {
				if !isNestedXR(o) {
					all = append(all, o)
				}
			}
		}
		// Observed status is what the provider would write again.
		for _, o := range all {
			delete(o.Object, "status")
		}
		a.ApplyAll("", all, compositionResourceName)
		out[env] = all
	}
	return out
}

// TestDeleteEnvironments deletes every environment from a simulated account
// in which all three exist: each deletion must complete (no DependencyViolation
// retried forever, no leaked load balancer) and leave in AWS exactly the
// resources whose deletionPolicy is Orphan, none of them depending on a
// deleted one.
func TestDeleteEnvironments(t *testing.T) {
	a := NewSimAccount()
	byEnv := readyAccount(t, a, envs...)
	for _, f := range a.Failures() {
		t.Logf("refused at creation (see TestFixturesUpToDate): %s", f)
	}
	for _, env := range envs {
		objs := byEnv[env]
		id := objs[0].GetLabels()["platform.gokinjo.io/environment-id"]
		var wantOrphans []string
		for _, o := range objs {
			p, _, _ := unstructured.NestedString(o.Object, "spec", "deletionPolicy")
			r := a.Get(o.GroupVersionKind().GroupKind(), o.GetName())
			if p == "Orphan" && r != nil && r.State == awssim.StateAvailable {
				wantOrphans = append(wantOrphans, o.GetKind()+" "+r.ExternalName())
			}
		}
		sort.Strings(wantOrphans)
		rep := a.DeleteEnvironment(id)
		t.Logf("figure: %s deletion: %d managed resources, %d retry passes, %d orphaned, complete=%v", env, len(objs), rep.Passes, len(rep.Orphaned), rep.Complete())
		if !rep.Complete() {
			t.Errorf("deleting %s does not complete in the simulated AWS:\n%s", env, rep)
		}
		if strings.Join(rep.Orphaned, "\n") != strings.Join(wantOrphans, "\n") {
			t.Errorf("%s: left in AWS %v, want exactly the Orphan-policy set %v", env, rep.Orphaned, wantOrphans)
		}
	}
}

// TestSecondAccount applies the same three claims in a second account of
// the same simulated AWS. Names are unique per claim and region
// (docs/naming.md), not per account: account-wide names (IAM roles,
// budgets) may repeat in another account, but S3 bucket names are global,
// so the same claim in a second account must be refused by S3 (the
// provider's HeadBucket answered 403: it never adopts the first account's
// buckets) and nothing else; the claim's dataLake.bucketSuffix is what keeps them apart.
func TestSecondAccount(t *testing.T) {
	cloud := awssim.NewCloud()
	first := awssim.NewAccount(cloud, awssim.AccountID)
	second := awssim.NewAccount(cloud, "210987654321")
	readyAccount(t, first, envs...)
	readyAccount(t, second, envs...)
	buckets := 0
	for _, f := range second.Failures() {
		if f.Err == nil {
			continue
		}
		switch {
		case f.Err.Rule == "names-unique" && f.Kind == "Bucket" && strings.Contains(f.Message, "HeadBucket, api error Forbidden"):
			buckets++
		case f.Err.Rule == "names-unique":
			t.Errorf("second account: a name other than a bucket's collides: %s", f)
		}
	}
	if want := 3 * len(envs); buckets != want {
		t.Errorf("second account: %d buckets refused with 403 at HeadBucket, want %d (S3 names are global)", buckets, want)
	}
	for _, f := range first.Failures() {
		if f.Err != nil && f.Err.Rule == "names-unique" {
			t.Errorf("first account: %s", f)
		}
	}
}
