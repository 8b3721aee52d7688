package awssim

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestDependencyViolation: a VPC (subnet, route table, internet gateway,
// security group) still in use cannot be deleted; the provider retries and
// the delete succeeds once the user is gone.
func TestDependencyViolation(t *testing.T) {
	cases := map[string]struct {
		target *unstructured.Unstructured
		users  []*unstructured.Unstructured
		want   string
	}{
		"VPCWithSubnet": {
			target: vpc("10.0.0.0/16"),
			users:  []*unstructured.Unstructured{subnet("s", "10.0.0.0/24", "ap-northeast-1a", nil)},
			want:   "DeleteVpc, api error DependencyViolation",
		},
		"SubnetWithNAT": {
			target: subnet("s", "10.0.0.0/24", "ap-northeast-1a", nil),
			users: []*unstructured.Unstructured{
				mr("ec2", "EIP", "eip", nil),
				mr("ec2", "NATGateway", "nat", map[string]any{"subnetIdSelector": sel("s"), "allocationIdSelector": sel("eip")}),
			},
			want: "DeleteSubnet, api error DependencyViolation",
		},
		"SubnetWithRDS": {
			target: subnet("s", "10.0.0.0/24", "ap-northeast-1a", nil),
			users: []*unstructured.Unstructured{
				mr("rds", "SubnetGroup", "sg", map[string]any{"subnetIdSelector": sel("s")}, ext("gokinjo-dev")),
				mr("rds", "Instance", "db", map[string]any{"identifier": "gokinjo-dev", "engine": "postgres", "engineVersion": "15.12",
					"dbSubnetGroupNameSelector": sel("sg"), "skipFinalSnapshot": true}),
			},
			want: "network interfaces of Instance",
		},
		"RouteTableWithAssociation": {
			target: mr("ec2", "RouteTable", "rt", map[string]any{"vpcIdSelector": sel("vpc")}),
			users: []*unstructured.Unstructured{
				subnet("s", "10.0.0.0/24", "ap-northeast-1a", nil),
				mr("ec2", "RouteTableAssociation", "rta", map[string]any{"routeTableIdSelector": sel("rt"), "subnetIdSelector": sel("s")}),
			},
			want: "DeleteRouteTable, api error DependencyViolation",
		},
		"InternetGatewayWithNAT": {
			target: mr("ec2", "InternetGateway", "igw", map[string]any{"vpcIdSelector": sel("vpc")}),
			users: []*unstructured.Unstructured{
				subnet("s", "10.0.0.0/24", "ap-northeast-1a", nil),
				mr("ec2", "EIP", "eip", nil),
				mr("ec2", "NATGateway", "nat", map[string]any{"subnetIdSelector": sel("s"), "allocationIdSelector": sel("eip")}),
			},
			want: "DetachInternetGateway, api error DependencyViolation: Network vpc-",
		},
		"SecurityGroupWithRDS": {
			target: mr("ec2", "SecurityGroup", "dbsg", map[string]any{"vpcIdSelector": sel("vpc")}),
			users: []*unstructured.Unstructured{
				mr("rds", "Instance", "db", map[string]any{"identifier": "gokinjo-dev", "engine": "postgres", "engineVersion": "15.12",
					"vpcSecurityGroupIdSelector": sel("dbsg"), "skipFinalSnapshot": true}),
			},
			want: "DeleteSecurityGroup, api error DependencyViolation",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			objs := append([]*unstructured.Unstructured{vpc("10.0.0.0/16")}, tc.target)
			if tc.target.GetName() == "vpc" {
				objs = objs[1:]
			}
			objs = append(objs, tc.users...)
			apply(t, a, objs...)
			for _, o := range objs {
				mustState(t, a, o, StateAvailable, "")
			}
			k := tc.target.GroupVersionKind().GroupKind()
			err := a.Delete(k, tc.target.GetName())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("delete %s: want %q, got %v", tc.target.GetName(), tc.want, err)
			}
			if !strings.Contains(state(a, tc.target).Message, "delete failed") {
				t.Errorf("the resource does not report the delete error: %q", state(a, tc.target).Message)
			}
			for i := len(tc.users) - 1; i >= 0; i-- {
				u := tc.users[i]
				if err := a.Delete(u.GroupVersionKind().GroupKind(), u.GetName()); err != nil {
					t.Fatalf("delete user %s: %v", u.GetName(), err)
				}
			}
			if err := a.Delete(k, tc.target.GetName()); err != nil {
				t.Errorf("retry after the users are gone: %v", err)
			}
		})
	}
}

func db(name string, fp map[string]any, opts ...func(*unstructured.Unstructured)) *unstructured.Unstructured {
	base := map[string]any{"identifier": name, "engine": "postgres", "engineVersion": "15.12"}
	for k, v := range fp {
		base[k] = v
	}
	return mr("rds", "Instance", name, base, opts...)
}

// TestRDSDeletion: deletion protection refuses the delete; a final
// snapshot is recorded where asked, and required unless skipped.
func TestRDSDeletion(t *testing.T) {
	a := newAccount(NewCloud(), "111111111111")
	protected := db("protected", map[string]any{"deletionProtection": true, "skipFinalSnapshot": true})
	snap := db("snap", map[string]any{"finalSnapshotIdentifier": "snap-final"})
	nosnap := db("nosnap", nil)
	apply(t, a, protected, snap, nosnap)
	if err := a.Delete(gk("rds", "Instance"), "protected"); err == nil || err.Code != "InvalidParameterCombination" || !strings.Contains(err.Message, "deletion protection") {
		t.Errorf("protected instance: %v", err)
	}
	if err := a.Delete(gk("rds", "Instance"), "snap"); err != nil {
		t.Errorf("instance with a final snapshot: %v", err)
	}
	if len(a.Snapshots) != 1 || a.Snapshots[0] != "snap-final" {
		t.Errorf("snapshots = %v, want [snap-final]", a.Snapshots)
	}
	if err := a.Delete(gk("rds", "Instance"), "nosnap"); err == nil || !strings.Contains(err.Message, "FinalDBSnapshotIdentifier is required") {
		t.Errorf("instance without a snapshot name: %v", err)
	}
}

// prodNetwork is a network with an orphaned database in it.
func prodNetwork(networkOrphan, keyOrphan bool) []*unstructured.Unstructured {
	net := func(u *unstructured.Unstructured) {
		if networkOrphan {
			orphan(u)
		}
	}
	key := func(u *unstructured.Unstructured) {
		if keyOrphan {
			orphan(u)
		}
	}
	return []*unstructured.Unstructured{
		mr("ec2", "VPC", "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"}, net),
		mr("ec2", "Subnet", "s", map[string]any{"cidrBlock": "10.0.0.0/24", "availabilityZone": "ap-northeast-1a", "vpcIdSelector": sel("vpc")}, net),
		mr("ec2", "SecurityGroup", "dbsg", map[string]any{"vpcIdSelector": sel("vpc")}, orphan),
		mr("rds", "SubnetGroup", "sg", map[string]any{"subnetIdSelector": sel("s")}, ext("gokinjo-prod"), orphan),
		mr("kms", "Key", "key", nil, key),
		db("gokinjo-prod", map[string]any{"dbSubnetGroupNameSelector": sel("sg"), "vpcSecurityGroupIdSelector": sel("dbsg"),
			"kmsKeyIdSelector": sel("key"), "deletionProtection": true}, orphan),
	}
}

// TestEnvironmentDeletion: deleting an environment completes and leaves
// exactly the Orphan-policy resources, none depending on a deleted one.
func TestEnvironmentDeletion(t *testing.T) {
	cases := map[string]struct {
		objs     []*unstructured.Unstructured
		complete bool
		want     string
	}{
		"OrphanedDatabaseInDeletedNetwork": {
			objs: prodNetwork(false, true),
			want: "stuck: VPC vpc [rule delete-dependency]",
		},
		"OrphanedDatabaseDeletedKey": {
			objs: prodNetwork(true, false),
			want: "(Orphaned) uses Key",
		},
		"EverythingOrphanedTogether": {
			objs:     prodNetwork(true, true),
			complete: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			apply(t, a, tc.objs...)
			for _, o := range tc.objs {
				mustState(t, a, o, StateAvailable, "")
			}
			rep := mustDelete(t, a, tc.complete, tc.want)
			if tc.complete && len(rep.Orphaned) != len(tc.objs) {
				t.Errorf("orphaned %v, want all %d", rep.Orphaned, len(tc.objs))
			}
		})
	}
}

// TestLoadBalancerLeak: if the LB controller goes before the Ingress, its
// ALB stays in AWS and blocks the subnets and the VPC; a Usage keeping
// the controller until the Ingress is gone makes deletion complete.
func TestLoadBalancerLeak(t *testing.T) {
	const helm, obj, eks, iam = "helm.crossplane.io/v1beta1", "kubernetes.crossplane.io/v1alpha2", "eks.aws.upbound.io/v1beta1", "iam.aws.upbound.io/v1beta1"
	usages := []*unstructured.Unstructured{
		usage(helm, "Release", "lbc", obj, "Object", "ingress"),
		usage(eks, "NodeGroup", "ng", obj, "Object", "ingress"),
		usage(iam, "Role", "lbc-role", obj, "Object", "ingress"),
		usage(iam, "RolePolicy", "lbc-policy", obj, "Object", "ingress"),
	}
	oidc := usage(iam, "OpenIDConnectProvider", "oidc", obj, "Object", "ingress")
	// A Usage of the XNetwork by a selector, as the workloads layer
	// composes it, and by the name Crossplane resolves it to.
	network := usage("platform.gokinjo.io/v1alpha1", "XNetwork", "network", obj, "Object", "ingress")
	networkBySelector := network.DeepCopy()
	_ = unstructured.SetNestedMap(networkBySelector.Object, map[string]any{"matchLabels": map[string]any{"platform.gokinjo.io/environment-id": testEnv}}, "spec", "of", "resourceSelector")
	unstructured.RemoveNestedField(networkBySelector.Object, "spec", "of", "resourceRef")
	with := func(extra ...*unstructured.Unstructured) []*unstructured.Unstructured {
		return append(append([]*unstructured.Unstructured{}, usages...), extra...)
	}
	all := []any{"ec2:Describe*", "elasticloadbalancing:*"}
	cases := map[string]struct {
		extra    []*unstructured.Unstructured
		complete bool
	}{
		"NoUsage":          {},
		"ReleaseUsageOnly": {extra: usages[:1]},
		// The controller's IRSA fails without the OIDC provider; it
		// reaches ELB and STS only through the NAT gateway.
		"NoOIDCProvider":         {extra: with(network)},
		"NoEgress":               {extra: with(oidc)},
		"ControllerAndDeps":      {extra: with(oidc, network), complete: true},
		"NetworkUsageBySelector": {extra: with(oidc, networkBySelector), complete: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			objs := append(lbEnv(all, true), ingress())
			objs = append(objs, tc.extra...)
			apply(t, a, objs...)
			mustState(t, a, objs[len(lbEnv(all, true))], StateAvailable, "")
			rep := mustDelete(t, a, tc.complete, "")
			if !tc.complete && !strings.Contains(rep.String(), "leaked: LoadBalancer") {
				t.Errorf("the leaked ALB is not reported:\n%s", rep)
			}
		})
	}
}

// TestLoadBalancerControllerOfRecreatedEnvironment: an environment deleted
// and created again has a new IAM role with the same name, hence the same
// ARN. The deleted role of the earlier environment must not count as the
// controller's: deleting the Ingress then deletes its ALB, and the subnets,
// the internet gateway and the VPC can go.
func TestLoadBalancerControllerOfRecreatedEnvironment(t *testing.T) {
	a := newAccount(NewCloud(), "111111111111")
	earlier := mr("iam", "Role", "lbc-role-earlier", nil, ext("gokinjo-dev-lbc"), env("gokinjo-earlier"))
	apply(t, a, earlier)
	if e := a.Delete(earlier.GroupVersionKind().GroupKind(), earlier.GetName()); e != nil {
		t.Fatalf("delete the earlier role: %v", e)
	}
	byIngress := func(ofAPI, ofKind, of string) *unstructured.Unstructured {
		return usage(ofAPI, ofKind, of, "kubernetes.crossplane.io/v1alpha2", "Object", "ingress")
	}
	objs := append(lbEnv([]any{"ec2:Describe*", "elasticloadbalancing:*"}, true), ingress(),
		byIngress("helm.crossplane.io/v1beta1", "Release", "lbc"), byIngress("eks.aws.upbound.io/v1beta1", "NodeGroup", "ng"),
		byIngress("iam.aws.upbound.io/v1beta1", "Role", "lbc-role"), byIngress("iam.aws.upbound.io/v1beta1", "RolePolicy", "lbc-policy"),
		byIngress("iam.aws.upbound.io/v1beta1", "OpenIDConnectProvider", "oidc"), byIngress("platform.gokinjo.io/v1alpha1", "XNetwork", "network"))
	apply(t, a, objs...)
	mustState(t, a, ingress(), StateAvailable, "")
	if rep := a.DeleteEnvironment(testEnv); !rep.Complete() {
		t.Errorf("deleting the environment created again did not complete:\n%s", rep)
	}
}

// TestEKSRolePermissionsAtDeletion: EKS deletes a node group's instances
// and the cluster's network interfaces with their IAM roles; deleted in the
// same pass, the roles' policies are gone first and the deletion never
// completes. Usages keeping the roles and attachments until the cluster is
// gone (AWS deletes the cluster only after its node groups) make it complete.
func TestEKSRolePermissionsAtDeletion(t *testing.T) {
	const eks, iam = "eks.aws.upbound.io/v1beta1", "iam.aws.upbound.io/v1beta1"
	byCluster := func(ofKind, of string) *unstructured.Unstructured {
		return usage(iam, ofKind, of, eks, "Cluster", "cluster")
	}
	base := []*unstructured.Unstructured{
		mr("iam", "Role", "cluster-role", nil, ext("gokinjo-dev-eks-cluster")),
		mr("iam", "RolePolicyAttachment", "cluster-role-policy", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", "roleSelector": sel("cluster-role")}),
		mr("iam", "Role", "node-role", nil, ext("gokinjo-dev-eks-node")),
		mr("iam", "RolePolicyAttachment", "node-role-policy", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", "roleSelector": sel("node-role")}),
		mr("eks", "Cluster", "cluster", map[string]any{"version": "1.33", "roleArnSelector": sel("cluster-role")}, ext("gokinjo-dev")),
		mr("eks", "NodeGroup", "ng", map[string]any{"clusterNameSelector": sel("cluster"), "nodeRoleArnSelector": sel("node-role")}),
	}
	usages := []*unstructured.Unstructured{
		byCluster("Role", "cluster-role"), byCluster("RolePolicyAttachment", "cluster-role-policy"),
		byCluster("Role", "node-role"), byCluster("RolePolicyAttachment", "node-role-policy"),
	}
	cases := map[string]struct {
		extra    []*unstructured.Unstructured
		complete bool
		want     string
	}{
		"NoUsage":          {want: "[rule eks-role-permissions]"},
		"AttachmentsOnly":  {extra: []*unstructured.Unstructured{usages[1], usages[3]}, want: "Role node-role"},
		"RolesAndPolicies": {extra: usages, complete: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			objs := append(append([]*unstructured.Unstructured{}, base...), tc.extra...)
			apply(t, a, objs...)
			for _, o := range base {
				mustState(t, a, o, StateAvailable, "")
			}
			mustDelete(t, a, tc.complete, tc.want)
		})
	}
}

// TestFinalSnapshotRetained: a final snapshot outlives its instance, so a
// second environment of the same names that deletes with the same snapshot
// name is refused (DBSnapshotAlreadyExists) and never finishes; the
// snapshot and the kept automated backups are encrypted with the instance's
// key, so deleting the key with the instance leaves them unreadable.
func TestFinalSnapshotRetained(t *testing.T) {
	key := func(orphaned bool) *unstructured.Unstructured {
		if orphaned {
			return mr("kms", "Key", "key", nil, orphan)
		}
		return mr("kms", "Key", "key", nil)
	}
	inst := func(snapshot string, keepBackups bool) *unstructured.Unstructured {
		fp := map[string]any{"kmsKeyIdSelector": sel("key"), "finalSnapshotIdentifier": snapshot}
		if keepBackups {
			fp["deleteAutomatedBackups"] = false
		}
		return db("gokinjo-prod", fp)
	}
	cases := map[string]struct {
		keyOrphan, keepBackups bool
		earlier                string // a snapshot left by an earlier environment of the same names
		snapshot               string
		complete               bool
		want                   string
	}{
		"KeyKept":            {keyOrphan: true, keepBackups: true, snapshot: "gokinjo-prod-final-aaaaaa", complete: true},
		"KeyDeleted":         {keepBackups: true, snapshot: "gokinjo-prod-final-aaaaaa", want: "dangling: automated backups of gokinjo-prod is encrypted with Key"},
		"SnapshotNameTaken":  {keyOrphan: true, earlier: "gokinjo-prod-final", snapshot: "gokinjo-prod-final", want: "DBSnapshotAlreadyExists"},
		"PerEnvironmentName": {keyOrphan: true, earlier: "gokinjo-prod-final-aaaaaa", snapshot: "gokinjo-prod-final-bbbbbb", complete: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			if tc.earlier != "" {
				a.Snapshots = append(a.Snapshots, tc.earlier)
			}
			apply(t, a, key(tc.keyOrphan), inst(tc.snapshot, tc.keepBackups))
			mustDelete(t, a, tc.complete, tc.want)
			if tc.complete && a.Snapshots[len(a.Snapshots)-1] != tc.snapshot {
				t.Errorf("snapshots %v: the final snapshot %s was not taken", a.Snapshots, tc.snapshot)
			}
		})
	}
}

// TestRDSLogGroupRecreated: SIMULATED RDS behaviour. An instance exports
// into /aws/rds/instance/<id>/<log> and creates the group, without
// retention, if it is missing. Deleted together with its instance, the
// group may go first and come back as a group nobody manages; a Usage
// keeping it until the instance is gone makes the deletion clean.
func TestRDSLogGroupRecreated(t *testing.T) {
	group := mr("cloudwatchlogs", "Group", "log-group-instance-postgresql", map[string]any{"retentionInDays": 7.0}, ext("/aws/rds/instance/gokinjo-dev/postgresql"))
	inst := db("instance", map[string]any{"identifier": "gokinjo-dev", "skipFinalSnapshot": true, "enabledCloudwatchLogsExports": []any{"postgresql"}})
	usage := mr("protection.crossplane.io", "ClusterUsage", "usage-log-group-by-instance", nil)
	usage.Object["spec"] = map[string]any{
		"of": map[string]any{"apiVersion": "cloudwatchlogs.aws.upbound.io/v1beta1", "kind": "Group", "resourceSelector": sel("log-group-instance-postgresql")},
		"by": map[string]any{"apiVersion": "rds.aws.upbound.io/v1beta1", "kind": "Instance", "resourceSelector": sel("instance")},
	}
	for name, tc := range map[string]struct {
		objs     []*unstructured.Unstructured
		complete bool
	}{
		"NoUsage":   {objs: []*unstructured.Unstructured{group, inst}},
		"WithUsage": {objs: []*unstructured.Unstructured{group, inst, usage}, complete: true},
	} {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			apply(t, a, tc.objs...)
			mustDelete(t, a, tc.complete, "")
			left := strings.Join(a.Leftovers(), "\n")
			if recreated := strings.Contains(left, "/aws/rds/instance/gokinjo-dev/postgresql (re-created by RDS"); recreated == tc.complete {
				t.Errorf("leftovers %q: re-created group %t, want %t", left, recreated, !tc.complete)
			}
		})
	}
}

// TestInClusterAccessAtDeletion (SIMULATED providers): an Object is deleted
// through the ClusterAuth's kubeconfig; deleted in the same pass, the
// ClusterAuth leaves the Object stuck, and a Usage keeping it until the
// cluster is gone (which outlives what runs on it) lets deletion complete.
func TestInClusterAccessAtDeletion(t *testing.T) {
	const eks, obj = "eks.aws.upbound.io/v1beta1", "kubernetes.crossplane.io/v1alpha2"
	base := []*unstructured.Unstructured{
		mr("eks", "ClusterAuth", "auth", map[string]any{"clusterName": "gokinjo-dev"}),
		objectMR("ns", map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "gokinjo-dev"}}),
	}
	for name, tc := range map[string]struct {
		extra    []*unstructured.Unstructured
		complete bool
	}{
		"NoUsage":        {},
		"AuthKeptByUser": {extra: []*unstructured.Unstructured{usage(eks, "ClusterAuth", "auth", obj, "Object", "ns")}, complete: true},
	} {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			apply(t, a, append(append([]*unstructured.Unstructured{}, base...), tc.extra...)...)
			rep := mustDelete(t, a, tc.complete, "")
			if !tc.complete && !strings.Contains(rep.String(), "in-cluster-access") {
				t.Errorf("want the Object stuck on in-cluster-access:\n%s", rep)
			}
		})
	}
}
