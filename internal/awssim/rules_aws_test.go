package awssim

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestAWSCreateRules: each create rule refuses what AWS refuses, naming the
// resource and the AWS error code, and accepts the valid variant.
func TestAWSCreateRules(t *testing.T) {
	long := strings.Repeat("x", 70)
	cases := map[string]struct {
		reason string
		setup  []*unstructured.Unstructured
		bad    *unstructured.Unstructured
		want   string // AWS error code (and text) in the message
		good   *unstructured.Unstructured
	}{
		"SubnetOutsideVPC": {
			reason: "a subnet CIDR must lie inside its VPC's CIDR",
			setup:  []*unstructured.Unstructured{vpc("10.0.0.0/16")},
			bad:    subnet("s", "10.1.0.0/24", "ap-northeast-1a", nil),
			want:   "InvalidSubnet.Range: The CIDR '10.1.0.0/24' is invalid",
			good:   subnet("s", "10.0.1.0/24", "ap-northeast-1a", nil),
		},
		"SubnetOverlap": {
			reason: "two subnets of a VPC may not overlap",
			setup:  []*unstructured.Unstructured{vpc("10.0.0.0/16"), subnet("s1", "10.0.0.0/20", "ap-northeast-1a", nil)},
			bad:    subnet("s2", "10.0.8.0/24", "ap-northeast-1c", nil),
			want:   "InvalidSubnet.Conflict",
			good:   subnet("s2", "10.0.16.0/24", "ap-northeast-1c", nil),
		},
		"ZoneNotOffered": {
			reason: "ap-northeast-1b is not offered to new accounts (facts.Regions)",
			setup:  []*unstructured.Unstructured{vpc("10.0.0.0/16")},
			bad:    subnet("s", "10.0.0.0/24", "ap-northeast-1b", nil),
			want:   "InvalidParameterValue: Value (ap-northeast-1b) for parameter availabilityZone is invalid",
			good:   subnet("s", "10.0.0.0/24", "ap-northeast-1d", nil),
		},
		"BucketName": {
			reason: "S3 bucket names are 3-63 lowercase characters (facts.Limits s3Bucket)",
			bad:    mr("s3", "Bucket", "b", nil, ext("Gokinjo_Raw")),
			want:   "InvalidBucketName",
			good:   mr("s3", "Bucket", "b", nil, ext("gokinjo-raw-3f9a1")),
		},
		"RDSIdentifier": {
			reason: "RDS identifiers are at most 63 letters, digits and hyphens",
			bad:    mr("rds", "Instance", "db", map[string]any{"identifier": "gokinjo--" + long, "engine": "postgres", "engineVersion": "15.12"}),
			want:   "CreateDBInstance, api error InvalidParameterValue",
			good:   mr("rds", "Instance", "db", map[string]any{"identifier": "gokinjo-dev", "engine": "postgres", "engineVersion": "15.12"}),
		},
		"IAMRoleName": {
			reason: "IAM role names are at most 64 characters",
			bad:    mr("iam", "Role", "role", nil, ext("gokinjo-"+long)),
			want:   "CreateRole, api error ValidationError",
			good:   mr("iam", "Role", "role", nil, ext("gokinjo-dev-apne1-node")),
		},
		"KMSAlias": {
			reason: "KMS aliases start with alias/",
			bad:    mr("kms", "Alias", "alias", nil, ext("gokinjo-dev")),
			want:   "CreateAlias, api error ValidationException",
			good:   mr("kms", "Alias", "alias", nil, ext("alias/gokinjo-dev")),
		},
		"LogGroupName": {
			reason: "log group names allow a-z A-Z 0-9 _ - / . #",
			bad:    mr("cloudwatchlogs", "Group", "lg", nil, ext("/aws/eks/gokinjo dev")),
			want:   "CreateLogGroup, api error InvalidParameterException",
			good:   mr("cloudwatchlogs", "Group", "lg", nil, ext("/aws/eks/gokinjo-dev/cluster")),
		},
		"ECRName": {
			reason: "ECR repository names are lowercase",
			bad:    mr("ecr", "Repository", "repo", nil, ext("gokinjo-dev-API")),
			want:   "CreateRepository, api error InvalidParameterException",
			good:   mr("ecr", "Repository", "repo", nil, ext("gokinjo-dev-api")),
		},
		"TrustPolicySize": {
			reason: "a role's trust policy is at most 2,048 characters",
			bad:    mr("iam", "Role", "role", map[string]any{"assumeRolePolicy": strings.Repeat("a", 2049)}, ext("r")),
			want:   "LimitExceeded: Cannot exceed quota for ACLSizePerRole: 2048",
			good:   mr("iam", "Role", "role", map[string]any{"assumeRolePolicy": strings.Repeat("a", 2048)}, ext("r")),
		},
		"InlinePolicySize": {
			reason: "an inline policy is at most 10,240 characters",
			bad:    mr("iam", "RolePolicy", "rp", map[string]any{"policy": strings.Repeat("a", 10241)}),
			want:   "LimitExceeded: Maximum policy size of 10240 bytes",
			good:   mr("iam", "RolePolicy", "rp", map[string]any{"policy": strings.Repeat("a", 10240)}),
		},
		"ManagedPolicySize": {
			reason: "a managed policy is at most 6,144 characters",
			bad:    mr("iam", "Policy", "p", map[string]any{"policy": strings.Repeat("a", 6145)}, ext("p")),
			want:   "LimitExceeded: Cannot exceed quota for PolicySize: 6144",
			good:   mr("iam", "Policy", "p", map[string]any{"policy": strings.Repeat("a", 6144)}, ext("p")),
		},
		"RDSRetiredVersion": {
			reason: "RDS no longer creates 15.4 (facts.RDS marks it deprecated)",
			bad:    mr("rds", "Instance", "db", map[string]any{"identifier": "gokinjo-dev", "engine": "postgres", "engineVersion": "15.4"}),
			want:   "InvalidParameterCombination: Cannot find version 15.4 for postgres",
			good:   mr("rds", "Instance", "db", map[string]any{"identifier": "gokinjo-dev", "engine": "postgres", "engineVersion": "15.12"}),
		},
		"EKSVersion": {
			reason: "EKS only creates the versions facts.EKS lists",
			bad:    mr("eks", "Cluster", "c", map[string]any{"version": "1.28"}, ext("gokinjo-dev")),
			want:   "InvalidParameterException: unsupported Kubernetes version 1.28",
			good:   mr("eks", "Cluster", "c", map[string]any{"version": "1.34"}, ext("gokinjo-dev")),
		},
		"EKSOneZone": {
			reason: "an EKS control plane needs subnets in two zones",
			setup: []*unstructured.Unstructured{vpc("10.0.0.0/16"), subnet("sa", "10.0.0.0/24", "ap-northeast-1a", nil),
				subnet("sa2", "10.0.2.0/24", "ap-northeast-1a", nil), subnet("sc", "10.0.1.0/24", "ap-northeast-1c", nil)},
			bad: mr("eks", "Cluster", "c", map[string]any{"version": "1.33", "vpcConfig": []any{map[string]any{
				"subnetIdRefs": []any{map[string]any{"name": "sa"}, map[string]any{"name": "sa2"}}}}}, ext("gokinjo-dev")),
			want: "InvalidParameterException: Subnets specified must be in at least two different AZs",
			good: mr("eks", "Cluster", "c", map[string]any{"version": "1.33", "vpcConfig": []any{map[string]any{
				"subnetIdRefs": []any{map[string]any{"name": "sa"}, map[string]any{"name": "sc"}}}}}, ext("gokinjo-dev")),
		},
		"AddonVersion": {
			reason: "an add-on version must be the one facts.EKS lists for the cluster's minor",
			setup:  []*unstructured.Unstructured{mr("eks", "Cluster", "c", map[string]any{"version": "1.33"}, ext("gokinjo-dev"))},
			bad:    mr("eks", "Addon", "vpc-cni", map[string]any{"addonName": "vpc-cni", "addonVersion": "v1.20.4-eksbuild.1", "clusterNameSelector": sel("c")}),
			want:   "InvalidParameterException: Addon version specified is not supported: vpc-cni v1.20.4-eksbuild.1 on Kubernetes 1.33",
			good:   mr("eks", "Addon", "vpc-cni", map[string]any{"addonName": "vpc-cni", "addonVersion": "v1.19.5-eksbuild.1", "clusterNameSelector": sel("c")}),
		},
		"NodeGroupAhead": {
			reason: "a node group is never newer than its control plane",
			setup:  []*unstructured.Unstructured{mr("eks", "Cluster", "c", map[string]any{"version": "1.33"}, ext("gokinjo-dev"))},
			bad:    mr("eks", "NodeGroup", "ng", map[string]any{"version": "1.34", "clusterNameSelector": sel("c")}),
			want:   "InvalidParameterException: Requested Nodegroup version 1.34 is invalid",
			good:   mr("eks", "NodeGroup", "ng", map[string]any{"version": "1.33", "clusterNameSelector": sel("c")}),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			apply(t, a, tc.setup...)
			out := apply(t, a, tc.bad)
			mustState(t, a, tc.bad, StateFailed, tc.want)
			if c := condition(out[0], "Synced"); c == nil || !strings.HasPrefix(fmt.Sprint(c["message"]), "create failed") {
				t.Errorf("%s: the Synced condition does not carry the create error: %v", tc.reason, c)
			}
			if len(a.Failures()) != 1 || !strings.Contains(a.Failures()[0].String(), tc.bad.GetKind()+" "+tc.bad.GetName()) {
				t.Errorf("%s: Failures() = %v", tc.reason, a.Failures())
			}
			b := newAccount(NewCloud(), "111111111111")
			apply(t, b, tc.setup...)
			apply(t, b, tc.good)
			mustState(t, b, tc.good, StateAvailable, "")
		})
	}
}

// TestBucketNamesAreGlobal: a bucket name is unique in the whole of S3:
// another environment of the same account, or the same claim applied in a
// second account, cannot have it.
func TestBucketNamesAreGlobal(t *testing.T) {
	cloud := NewCloud()
	a := newAccount(cloud, "111111111111")
	b := newAccount(cloud, "222222222222")
	dev := mr("s3", "Bucket", "raw-dev", nil, ext("gokinjo-raw"))
	staging := mr("s3", "Bucket", "raw-staging", nil, ext("gokinjo-raw"), env("gokinjo-fghij"))
	apply(t, a, dev)
	mustState(t, a, dev, StateAvailable, "")
	apply(t, a, staging)
	mustState(t, a, staging, StateFailed, "BucketAlreadyOwnedByYou")
	second := mr("s3", "Bucket", "raw-dev", nil, ext("gokinjo-raw"))
	apply(t, b, second)
	// Another account's bucket: the provider's first look (HeadBucket) is
	// answered 403, and it never calls CreateBucket.
	mustState(t, b, second, StateFailed, "observe failed: failed to observe the resource: [{0 reading Bucket (gokinjo-raw): operation error HeadBucket, api error Forbidden: https response error StatusCode: 403")
	// Once deleted, the name is free again.
	if err := a.Delete(gk("s3", "Bucket"), "raw-dev"); err != nil {
		t.Fatal(err)
	}
	apply(t, b, second)
	mustState(t, b, second, StateAvailable, "")
}

// TestNamesUniqueInAccount: a second managed resource with an existing
// role name would adopt the first one's role; the simulator refuses it.
func TestNamesUniqueInAccount(t *testing.T) {
	a := newAccount(NewCloud(), "111111111111")
	first := mr("iam", "Role", "node-dev", nil, ext("gokinjo-node"))
	second := mr("iam", "Role", "node-staging", nil, ext("gokinjo-node"), env("gokinjo-fghij"))
	apply(t, a, first, second)
	mustState(t, a, second, StateFailed, "EntityAlreadyExists")
}

// TestReadReplicaWaitsForSource: the replica fails until its source is
// available, then succeeds on the provider's retry.
func TestReadReplicaWaitsForSource(t *testing.T) {
	a, now := delayedAccount()
	primary := primaryDB()
	replica := mr("rds", "Instance", "replica", map[string]any{"identifier": "gokinjo-prod-replica", "replicateSourceDbSelector": sel("primary")})
	apply(t, a, primary, replica)
	mustState(t, a, primary, StateCreating, "")
	mustState(t, a, replica, StateFailed, "InvalidDBInstanceState: DB Instance gokinjo-prod is not in an available state")
	*now = now.Add(RealisticDelays[gk("rds", "Instance")])
	apply(t, a, primary, replica)
	mustState(t, a, primary, StateAvailable, "")
	mustState(t, a, replica, StateCreating, "") // Accepted; AWS is building it.
	*now = now.Add(2 * RealisticDelays[gk("rds", "Instance")])
	apply(t, a, primary, replica)
	mustState(t, a, replica, StateAvailable, "")
}

// TestCreatingMessageIsStable: while AWS creates a resource, each provider
// poll reports the same message, so the managed resource's status (and the
// XR watching it) is not rewritten on every poll.
func TestCreatingMessageIsStable(t *testing.T) {
	a, now := delayedAccount()
	db := primaryDB()
	first := readyCondition(a.Apply("xr", "instance", db))
	*now = now.Add(time.Minute)
	second := readyCondition(a.Apply("xr", "instance", db))
	if first["status"] != "False" || first["message"] != second["message"] {
		t.Errorf("Ready while creating: %v, a minute later %v; want the same not-ready message", first, second)
	}
}

// delayedAccount is an account with realistic delays and a clock the test
// moves.
func delayedAccount() (*Account, *time.Time) {
	a := newAccount(NewCloud(), "111111111111")
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	a.Now = func() time.Time { return now }
	a.Delays = Delays{Scale: 1}
	return a, &now
}

func primaryDB() *unstructured.Unstructured {
	return mr("rds", "Instance", "primary", map[string]any{"identifier": "gokinjo-prod", "engine": "postgres", "engineVersion": "15.12"})
}

func readyCondition(u *unstructured.Unstructured) map[string]any {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == "Ready" {
			return m
		}
	}
	return nil
}

// TestReplicasUpgradeFirst: a minor upgrade of a source whose read replica
// runs an older minor is refused, the source still Ready on the old
// version; once the replica runs it, the source's upgrade goes through.
func TestReplicasUpgradeFirst(t *testing.T) {
	a := newAccount(NewCloud(), "111111111111")
	withVersion := func(u *unstructured.Unstructured, v string) *unstructured.Unstructured {
		u = u.DeepCopy()
		_ = unstructured.SetNestedField(u.Object, v, "spec", "forProvider", "engineVersion")
		return u
	}
	primary := primaryDB()
	replica := mr("rds", "Instance", "replica", map[string]any{"identifier": "gokinjo-prod-replica", "replicateSourceDbSelector": sel("primary"), "engineVersion": "15.12"})
	apply(t, a, primary, replica)
	mustState(t, a, replica, StateAvailable, "")

	apply(t, a, withVersion(primary, "15.15"), replica)
	mustState(t, a, primary, StateAvailable, "DBUpgradeDependencyFailure: One or more of the DB Instance's read replicas need to be upgraded: gokinjo-prod-replica runs 15.12, below 15.15")

	apply(t, a, withVersion(primary, "15.15"), withVersion(replica, "15.15"))
	mustState(t, a, primary, StateAvailable, "")
}

// TestGP3Performance: RDS for PostgreSQL refuses gp3 IOPS or throughput
// named below 400 GiB, and below the 12000 / 500 baseline from 400 GiB on
// (facts rds.yaml gp3); IOPS it already reports, sent again unchanged below
// 400 GiB, ask nothing.
func TestGP3Performance(t *testing.T) {
	with := func(u *unstructured.Unstructured, kv ...any) *unstructured.Unstructured {
		u = u.DeepCopy()
		for i := 0; i < len(kv); i += 2 {
			_ = unstructured.SetNestedField(u.Object, kv[i+1], "spec", "forProvider", kv[i].(string))
		}
		return u
	}
	a := newAccount(NewCloud(), "111111111111")
	gp3 := with(primaryDB(), "storageType", "gp3", "allocatedStorage", float64(200))
	apply(t, a, with(gp3, "iops", float64(3000)))
	mustState(t, a, gp3, StateFailed, "You can't specify IOPS or storage throughput for engine postgres and a storage size less than 400")

	b := newAccount(NewCloud(), "111111111111")
	apply(t, b, gp3)
	mustState(t, b, gp3, StateAvailable, "")
	if iops, _, _ := unstructured.NestedFieldNoCopy(state(b, gp3).Observed.Object, "status", "atProvider", "iops"); iops != float64(3000) {
		t.Errorf("a 200 GiB gp3 instance reports %v IOPS, want the 3000 baseline", iops)
	}
	// The late-initialized values, sent again unchanged: nothing asked.
	late := with(gp3, "iops", float64(3000), "storageThroughput", float64(125))
	apply(t, b, late)
	mustState(t, b, gp3, StateAvailable, "")
	// Grown to 500 GiB with the old 3000 / 125: refused, still Ready.
	apply(t, b, with(late, "allocatedStorage", float64(500)))
	mustState(t, b, gp3, StateAvailable, "Invalid iops value for engine name postgres and storage type gp3: 3000")
	// With the baseline of the new size: accepted.
	apply(t, b, with(late, "allocatedStorage", float64(500), "iops", float64(12000), "storageThroughput", float64(500)))
	mustState(t, b, gp3, StateAvailable, "")
	if r := state(b, gp3); r.updateRefused {
		t.Errorf("the update to 500 GiB at 12000 / 500 IOPS is refused: %s", r.Message)
	}
}
