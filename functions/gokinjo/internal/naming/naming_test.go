package naming

import (
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func TestTags(t *testing.T) {
	cases := map[string]struct {
		reason string
		o      v1alpha1.Owner
		wantID string
	}{
		"NewEnvironment": {
			reason: "EnvironmentId is the name prefix, unique per claim and region: two dev claims in one account tell their spend apart",
			o:      v1alpha1.Owner{EnvironmentID: "gokinjo-abcde", Environment: "dev", Region: "ap-northeast-1", NamePrefix: "gokinjo-dev-k4x2qa"},
			wantID: "gokinjo-dev-k4x2qa",
		},
		"LegacyEnvironment": {
			reason: "an environment named before the scheme keeps gokinjo-<env>, the prefix of all its names",
			o:      v1alpha1.Owner{EnvironmentID: "gokinjo-abcde", Environment: "dev", Region: "ap-northeast-1"},
			wantID: "gokinjo-dev",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := map[string]string{}
			for k, v := range Tags(tc.o, "network", "gokinjo-dev-vpc", map[string]string{"kubernetes.io/role/elb": "1"}) {
				got[k] = *v
			}
			want := map[string]string{
				"Project": "gokinjo", "Environment": "dev", "EnvironmentId": tc.wantID, "ManagedBy": "crossplane", "Layer": "network",
				"Name": "gokinjo-dev-vpc", "kubernetes.io/role/elb": "1",
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s\nTags(): -want, +got:\n%s", tc.reason, diff)
			}
			for _, k := range CostAllocationTags {
				if got[k] == "" {
					t.Errorf("cost allocation tag %s is missing", k)
				}
			}
		})
	}
}

func TestNames(t *testing.T) {
	legacy := v1alpha1.Owner{Environment: "prod"}
	o := v1alpha1.Owner{Environment: "prod", NamePrefix: "gokinjo-prod-abc234"}
	cases := map[string]struct{ got, want string }{
		"AWSName":          {AWSName(o, "private", "a"), "gokinjo-prod-abc234-private-a"},
		"ClusterName":      {ClusterName(o), "gokinjo-prod-abc234"},
		"ObjectName":       {ObjectName(o, "api"), "gokinjo-prod-abc234-api"},
		"SecretName":       {SecretName(o, "db"), "gokinjo-prod-abc234-db"},
		"BucketName":       {BucketName(o, BucketRaw, ""), "gokinjo-raw-prod-abc234"},
		"BucketSuffix":     {BucketName(o, BucketRaw, "acme"), "gokinjo-raw-prod-abc234-acme"},
		"LogGroupName":     {LogGroupName(o, "api"), "/gokinjo/prod/abc234/api"},
		"LegacyAWSName":    {AWSName(legacy, "private", "a"), "gokinjo-prod-private-a"},
		"LegacyCluster":    {ClusterName(legacy), "gokinjo-prod"},
		"LegacyObjectName": {ObjectName(legacy, "api"), "gokinjo-prod-api"},
		"LegacyBucket":     {BucketName(legacy, BucketRaw, "acme"), "gokinjo-raw-prod-acme"},
		"LegacyLogGroup":   {LogGroupName(legacy, "api"), "/gokinjo/prod/api"},
		"ZoneSuffix":       {ZoneSuffix("ap-northeast-1d"), "d"},
		"EmptyZone":        {ZoneSuffix(""), ""},
	}
	for name, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("%s: want %q, got %q", name, tc.want, tc.got)
		}
	}
}

func TestIdentityHash(t *testing.T) {
	base := Identity{ClaimNamespace: "team-a", ClaimName: "gokinjo", XRName: "gokinjo-abcde", Region: "ap-northeast-1"}
	valid := regexp.MustCompile(`^[a-z2-7]{6}$`)
	if h := base.Hash(); !valid.MatchString(h) {
		t.Fatalf("hash %q: want 6 characters of lower-case base32", h)
	}
	same := base
	same.XRName = "gokinjo-zzzzz"
	if same.Hash() != base.Hash() {
		t.Error("a claim's hash must not depend on its XR's random name")
	}
	for name, other := range map[string]Identity{
		"OtherNamespace":   {ClaimNamespace: "team-b", ClaimName: "gokinjo", Region: "ap-northeast-1"},
		"OtherName":        {ClaimNamespace: "team-a", ClaimName: "gokinjo2", Region: "ap-northeast-1"},
		"OtherRegion":      {ClaimNamespace: "team-a", ClaimName: "gokinjo", Region: "us-east-1"},
		"XRNamedLikeClaim": {XRName: "team-a/gokinjo", Region: "ap-northeast-1"},
		"NoClaimX":         {XRName: "gokinjo-abcde", Region: "ap-northeast-1"},
	} {
		if other.Hash() == base.Hash() {
			t.Errorf("%s: %+v has the same hash as %+v", name, other, base)
		}
	}
	if got := (Identity{XRName: "x", Region: "r", ClaimName: "n"}).key(); got != "xr:x\nr" {
		t.Errorf("an XR with a claim name but no claim namespace is identified by its own name; key %q", got)
	}
}

// TestFinalSnapshotName: the final snapshot of an instance is unique per
// XEnvironment, so a claim re-created with the same names (a new XR) does
// not collide with the snapshot its predecessor left.
func TestFinalSnapshotName(t *testing.T) {
	a := v1alpha1.Owner{EnvironmentID: "gokinjo-abcde", Environment: "prod", NamePrefix: "gokinjo-prod-abc234"}
	b := a
	b.EnvironmentID = "gokinjo-fghij"
	got := FinalSnapshotName(a, AWSName(a))
	if !regexp.MustCompile(`^gokinjo-prod-abc234-final-[a-z2-7]{6}$`).MatchString(got) {
		t.Errorf("FinalSnapshotName() = %q, want <identifier>-final-<6 characters of base32>", got)
	}
	if got == FinalSnapshotName(b, AWSName(b)) {
		t.Errorf("two XEnvironments of the same claim share the final snapshot name %q", got)
	}
	if got != FinalSnapshotName(a, AWSName(a)) {
		t.Error("FinalSnapshotName() is not stable")
	}
}

// TestUsageComponent: a Usage's component is its label value, which the API
// server refuses beyond 63 characters; short pairs keep their readable name
// (existing Usages keep theirs), long ones are cut and made unique by a hash.
func TestUsageComponent(t *testing.T) {
	cases := map[string]struct {
		of, by string
		want   string
	}{
		"Short": {of: "iam-role-cluster", by: "eks-cluster", want: "usage-iam-role-cluster-by-eks-cluster"},
		"Long":  {of: "iam-role-node-amazonec2containerregistryreadonly", by: "eks-cluster"},
	}
	seen := map[string]bool{}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := UsageComponent(tc.of, tc.by)
			if errs := validation.IsValidLabelValue(got); len(errs) > 0 {
				t.Errorf("UsageComponent(%q, %q) = %q, not a label value: %v", tc.of, tc.by, got, errs)
			}
			if tc.want != "" && got != tc.want {
				t.Errorf("UsageComponent(%q, %q) = %q, want %q", tc.of, tc.by, got, tc.want)
			}
			if seen[got] {
				t.Errorf("UsageComponent(%q, %q) = %q, shared with another pair", tc.of, tc.by, got)
			}
			seen[got] = true
		})
	}
	a := UsageComponent("irsa-ebs-csi-amazonebscsidriverpolicy", "addon-aws-ebs-csi-driver")
	b := UsageComponent("irsa-ebs-csi-amazonebscsidriverpolicy", "addon-aws-ebs-csi-driver-2")
	if a == b {
		t.Errorf("two long pairs share the component %q", a)
	}
}
