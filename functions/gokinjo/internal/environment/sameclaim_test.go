package environment

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cluster"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// sameClaimXR is an XEnvironment of the claim team-a/gokinjo, created at
// created (RFC 3339), deleted since deleted if that is set.
func sameClaimXR(name, created, deleted string) map[string]any {
	meta := map[string]any{"name": name, "creationTimestamp": created, "labels": map[string]any{
		naming.LabelClaimNamespace: "team-a", naming.LabelClaimName: "gokinjo",
	}}
	if deleted != "" {
		meta["deletionTimestamp"] = deleted
	}
	return map[string]any{
		"apiVersion": v1alpha1.APIVersion, "kind": v1alpha1.KindEnvironment,
		"metadata": meta,
		"spec":     map[string]any{"parameters": map[string]any{"environment": "dev"}},
	}
}

// sameClaimMR is a managed resource an XEnvironment of the claim composed.
func sameClaimMR(apiVersion, kind, name, envID string) map[string]any {
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": name, "labels": map[string]any{
		naming.LabelClaimNamespace: "team-a", naming.LabelClaimName: "gokinjo", naming.LabelEnvironmentID: envID,
	}}}
}

// withSynced is o with a Synced=False condition.
func withSynced(o map[string]any, since, msg string) map[string]any {
	out := map[string]any{}
	for k, v := range o {
		out[k] = v
	}
	out["status"] = map[string]any{"conditions": []any{map[string]any{"type": "Synced", "status": "False", "reason": "ReconcileError", "lastTransitionTime": since, "message": msg}}}
	return out
}

// supplied is what Crossplane fetches for every requirement: the objects
// given, each under its kind's requirement, and nothing for the others.
func supplied(objs ...map[string]any) map[string][]resource.Required {
	out := map[string][]resource.Required{}
	for _, gvk := range kindsAsked(true) {
		out["claim:"+gvk.Kind+"."+gvk.Group] = nil
	}
	for _, o := range objs {
		u := &unstructured.Unstructured{Object: o}
		gvk := u.GroupVersionKind()
		out["claim:"+gvk.Kind+"."+gvk.Group] = append(out["claim:"+gvk.Kind+"."+gvk.Group], resource.Required{Resource: u})
	}
	return out
}

func TestYieldToEarlierOfClaim(t *testing.T) {
	const self, created = "gokinjo-new12", "2026-12-01T10:00:05Z"
	me := sameClaimXR(self, created, "")
	old := sameClaimXR("gokinjo-old34", "2026-12-01T09:00:00Z", "")
	oldDeleting := sameClaimXR("gokinjo-old34", "2026-12-01T09:00:00Z", "2026-12-01T10:00:03Z")
	oldCluster := sameClaimMR("eks.aws.upbound.io/v1beta1", "Cluster", "gokinjo-old34-x1-c9", "gokinjo-old34")
	oldBucket := sameClaimMR("s3.aws.upbound.io/v1beta1", "Bucket", "gokinjo-old34-x2-b1", "gokinjo-old34")
	myNetwork := sameClaimMR(v1alpha1.APIVersion, v1alpha1.KindNetwork, "gokinjo-new12-n1", self)

	cases := map[string]struct {
		reason  string
		noClaim bool
		// accessEntries: the claim names an admin principal.
		accessEntries bool
		required      map[string][]resource.Required // nil: not supplied yet
		observed      composetest.Observed
		waiting       string // what the XR waits for; "": it composes
		asks          bool   // the response asks for the claim's resources
	}{
		"FirstCall": {
			reason:  "On the call that first asks, Crossplane has not fetched the claim's resources: nothing is composed (Crossplane calls again with them and uses only that answer).",
			waiting: "Crossplane to supply the claim's XRs and managed resources",
			asks:    true,
		},
		"OnlyItself": {
			reason:   "The claim's only XEnvironment (itself) composes.",
			required: supplied(me),
			asks:     true,
		},
		"OwnResourcesNotComposedYet": {
			reason:   "What it composed itself, not yet in its resource references, holds nothing back.",
			required: supplied(me, myNetwork),
			asks:     true,
		},
		"AdminPrincipalAsksForAccessEntries": {
			reason:        "An environment with an admin access entry also waits on the old one's entries (named by cluster and principal).",
			accessEntries: true,
			required:      supplied(me),
			asks:          true,
		},
		"OtherPackagesClaimOfTheSameName": {
			reason:   "Another package's claim of the same name and namespace carries the same claim labels, but none of its resources is an environment's: they hold nothing back.",
			required: supplied(me, sameClaimMR("s3.aws.upbound.io/v1beta1", "Bucket", "other-bucket", "")),
			asks:     true,
		},
		"LaterOneExists": {
			reason:   "The first XEnvironment of a claim composes whatever is created after it.",
			required: supplied(me, sameClaimXR("gokinjo-zzz99", "2026-12-01T10:00:09Z", "")),
			asks:     true,
		},
		"SameSecondLaterName": {
			reason:   "Creation times have a resolution of a second; within one, the lower name is first, as every XR computes it.",
			required: supplied(me, sameClaimXR("gokinjo-zzz11", created, "")),
			asks:     true,
		},
		"ClaimReappliedWhileDeleting": {
			reason:   "A claim deleted and applied again at once gets a new XR while the old one is being deleted: the new one composes nothing until it is gone, and says so.",
			required: supplied(oldDeleting, me, oldCluster),
			waiting:  `XEnvironment "gokinjo-old34" of the same claim team-a/gokinjo to be gone: it derives the same AWS names, so this one composes nothing until then; it is being deleted (since 2026-12-01T10:00:03Z)`,
			asks:     true,
		},
		"OldResourcesStillDeleting": {
			reason:   "The old XR goes within a second, its managed resources are deleted for minutes (in the Usages' order): they still hold the names.",
			required: supplied(me, oldCluster, oldBucket),
			waiting:  `2 resources of XEnvironment "gokinjo-old34" of the same claim team-a/gokinjo to be deleted (Cluster "gokinjo-old34-x1-c9" among them)`,
			asks:     true,
		},
		"StuckDeletionNamed": {
			reason:   "A deletion AWS refuses never ends by itself: the resource whose provider reports it is named, with its message.",
			required: supplied(me, oldCluster, withSynced(oldBucket, "2026-12-01T10:01:00Z", "delete failed: BucketNotEmpty")),
			waiting:  `(Bucket "gokinjo-old34-x2-b1" among them, Synced=False since 2026-12-01T10:01:00Z: delete failed: BucketNotEmpty)`,
			asks:     true,
		},
		"CreatedByHandWithClaimLabels": {
			reason:   "An XEnvironment made by hand with a claim's labels would adopt that claim's resources: it composes nothing while the claim's XR exists.",
			required: supplied(old, me, oldCluster),
			waiting:  `XEnvironment "gokinjo-old34" of the same claim team-a/gokinjo to be gone: it derives the same AWS names, so this one composes nothing until then; it exists: delete the XEnvironment you do not want`,
			asks:     true,
		},
		"SameSecondEarlierName": {
			reason:   "Within a second, the lower name is first.",
			required: supplied(sameClaimXR("gokinjo-aaa11", created, ""), me),
			waiting:  `XEnvironment "gokinjo-aaa11" of the same claim`,
			asks:     true,
		},
		"AlreadyComposed": {
			reason:   "Once it has composed, it asks for nothing more: the check is for the first compose only.",
			observed: composetest.Observed{compNetwork: observedNested(v1alpha1.KindNetwork, map[string]any{"environment": "dev"})},
		},
		"NoClaim": {
			reason:  "An XEnvironment without a claim is named after itself: it asks for nothing and composes.",
			noClaim: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			content := sameClaimXR(self, created, "")
			if tc.accessEntries {
				content["spec"] = map[string]any{"parameters": map[string]any{"environment": "dev",
					"cluster": map[string]any{"adminPrincipalArn": "arn:aws:iam::123456789012:role/platform-admin"}}}
			}
			if tc.noClaim {
				delete(content["metadata"].(map[string]any), "labels")
			}
			xr, _ := composetest.NewXRFrom(t, content)
			xr.WithRequired(tc.required)
			s := compose.NewState(tc.observed)
			if err := (Layer{}).Compose(context.Background(), xr, s); err != nil {
				t.Fatalf("%s\nCompose(): %v", tc.reason, err)
			}
			_, composed := s.Desired()[compNetwork]
			if composed != (tc.waiting == "") || (tc.waiting != "" && len(s.Desired()) > 0) {
				t.Errorf("%s\nwant composed %v, desired %v", tc.reason, tc.waiting == "", s.Names())
			}
			// A composing environment may wait for other things (the
			// workloads layer for its cluster), never for the claim's.
			waiting := strings.Join(s.Waiting(), "; ")
			if yields := strings.Contains(waiting, "of the same claim") || strings.Contains(waiting, "Crossplane to supply"); yields != (tc.waiting != "") || !strings.Contains(waiting, tc.waiting) {
				t.Errorf("%s\nwaiting: want %q, got %q", tc.reason, tc.waiting, waiting)
			}

			rsp := &fnv1.RunFunctionResponse{}
			xr.Apply(rsp)
			reqs := rsp.GetRequirements().GetResources()
			if !tc.asks {
				if len(reqs) > 0 {
					t.Errorf("%s\nwant no requirements, got %d", tc.reason, len(reqs))
				}
				return
			}
			if want := len(kindsAsked(tc.accessEntries)); len(reqs) != want {
				t.Errorf("%s\nwant a requirement per kind (%d), got %d", tc.reason, want, len(reqs))
			}
			for _, sel := range reqs {
				if l := sel.GetMatchLabels().GetLabels(); len(l) != 2 || l[naming.LabelClaimNamespace] != "team-a" || l[naming.LabelClaimName] != "gokinjo" {
					t.Errorf("%s\n%s: want the claim labels, got %v", tc.reason, sel.GetKind(), l)
				}
			}
		})
	}
}

// TestClaimKindsCoverTheRenders checks that the kinds an XEnvironment waits
// on are every XR and provider-aws kind the golden renders compose, and with
// an admin principal the access entries too: a kind left out would let a
// claim applied again adopt its predecessor's.
func TestClaimKindsCoverTheRenders(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "..", "internal", "rendertree", "testdata", "golden", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("golden renders: %v (%d files)", err, len(files))
	}
	rendered := map[schema.GroupVersionKind]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(b), 4096)
		for {
			u := &unstructured.Unstructured{}
			if err := d.Decode(&u.Object); err != nil {
				if err == io.EOF {
					break
				}
				t.Fatalf("%s: %v", f, err)
			}
			if gvk := u.GroupVersionKind(); gvk.Group == v1alpha1.Group || strings.HasSuffix(gvk.Group, ".aws.upbound.io") {
				rendered[gvk] = true
			}
		}
	}
	same(t, "the golden renders (no admin principal)", kindsAsked(false), rendered)

	// Access entries come only with an admin principal, which no golden
	// claim sets: compose the cluster layer with one.
	r, err := Resolve(composetest.EnvironmentID, v1alpha1.EnvironmentParameters{Environment: "prod", Region: "ap-northeast-1",
		Cluster: &v1alpha1.ClusterOverrides{AdminPrincipalARN: "arn:aws:iam::123456789012:role/platform-admin"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Cluster.AccessEntries {
		t.Fatal("an admin principal must turn access entries on")
	}
	_, last := composetest.Converge(t, cluster.Layer{}, v1alpha1.KindCluster, "cluster", r.Cluster)
	for _, d := range last.State.Desired() {
		if gvk := d.Resource.GroupVersionKind(); strings.HasSuffix(gvk.Group, ".aws.upbound.io") {
			rendered[gvk] = true
		}
	}
	same(t, "the renders and a cluster with an admin principal", kindsAsked(true), rendered)
}

// same reports the difference between the kinds asked for and composed.
func same(t *testing.T, what string, asked []schema.GroupVersionKind, rendered map[schema.GroupVersionKind]bool) {
	t.Helper()
	set := map[schema.GroupVersionKind]bool{}
	for _, gvk := range asked {
		set[gvk] = true
		if !rendered[gvk] {
			t.Errorf("%s: an XEnvironment waits on %s, which is not composed", what, gvk)
		}
	}
	for gvk := range rendered {
		if !set[gvk] {
			t.Errorf("%s: %s is composed, and an XEnvironment does not wait on it", what, gvk)
		}
	}
}

// The guard selects by the labels Crossplane puts on everything composed
// under a claim (facts crossplane.yaml requiredResources).
func TestClaimLabelsAreCrossplanes(t *testing.T) {
	got := []string{naming.LabelClaimName, naming.LabelClaimNamespace}
	if want := facts.Crossplane.RequiredResources.ClaimLabels; !slices.Equal(got, want) {
		t.Errorf("the guard selects by %v, Crossplane labels with %v", got, want)
	}
}
