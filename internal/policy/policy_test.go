package policy

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"

	"github.com/gokinjo/platform/internal/rendertree"
)

const repo = "../.."

func loadTaggable(t *testing.T) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/upbound/provider-aws").Output()
	if err != nil {
		t.Fatalf("cannot find the provider-aws module: %v", err)
	}
	if err := LoadTaggable(filepath.Join(strings.TrimSpace(string(out)), "package", "crds")); err != nil {
		t.Fatal(err)
	}
}

// TestGoldenRendersKeepPolicy runs every rule over every example environment
// at every lifecycle stage and reports each broken rule with the resource.
func TestGoldenRendersKeepPolicy(t *testing.T) {
	loadTaggable(t)
	files, err := filepath.Glob(filepath.Join(repo, "internal", "rendertree", "testdata", "golden", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden renders: %v", err)
	}
	checked := map[string]int{}
	for _, f := range files {
		objs, err := rendertree.ReadYAML(f)
		if err != nil {
			t.Fatal(err)
		}
		res := Run(objs)
		for _, v := range res.Violations {
			t.Errorf("%s: %s", filepath.Base(f), v)
		}
		for r, n := range res.Checked {
			checked[r] += n
		}
	}
	for _, r := range Rules {
		t.Logf("%-32s checked %4d resources: %s", r.Name, checked[r.Name], r.About)
		if checked[r.Name] == 0 && r.Name != "pods-hardened" && r.Name != "sg-no-open-ingress" {
			t.Errorf("rule %s checked nothing: the renders no longer contain what it guards, or it no longer matches them", r.Name)
		}
	}
}

func obj(apiVersion, kind, comp string, forProvider map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"forProvider": forProvider}}}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetAnnotations(map[string]string{"crossplane.io/composition-resource-name": comp})
	u.SetLabels(map[string]string{"crossplane.io/composite": "x", "platform.gokinjo.io/component": comp})
	return u
}

// TestRulesCatchViolations proves each rule reports what it guards against,
// naming the resource.
func TestRulesCatchViolations(t *testing.T) {
	loadTaggable(t)
	deployment := func(sc map[string]any, image string) map[string]any {
		return map[string]any{"manifest": map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"containers": []any{map[string]any{"name": "api", "image": image, "securityContext": sc, "resources": map[string]any{"limits": map[string]any{"cpu": "1"}}}},
		}}}}}
	}
	cases := map[string]struct {
		objs []*unstructured.Unstructured
		want []string
	}{
		"PublicDatabase": {
			objs: []*unstructured.Unstructured{obj("rds.aws.upbound.io/v1beta2", "Instance", "db", map[string]any{"publiclyAccessible": true, "storageEncrypted": false})},
			want: []string{`[rds-private-encrypted] Instance "db" of x: publiclyAccessible must be set to false`, "storageEncrypted must be true", "must use the composed KMS key"},
		},
		"OpenBucket": {
			objs: []*unstructured.Unstructured{obj("s3.aws.upbound.io/v1beta1", "Bucket", "b", map[string]any{"tags": map[string]any{"Project": "gokinjo", "Environment": "dev", "ManagedBy": "crossplane"}})},
			want: []string{"want one BucketServerSideEncryptionConfiguration, found 0", "want one BucketPublicAccessBlock, found 0", "no bucket policy denies requests without TLS"},
		},
		"PlainSecrets": {
			objs: []*unstructured.Unstructured{obj("eks.aws.upbound.io/v1beta1", "Cluster", "eks", map[string]any{})},
			want: []string{"encryptionConfig must encrypt resources [secrets]"},
		},
		"OpenIngress": {
			objs: []*unstructured.Unstructured{
				obj("ec2.aws.upbound.io/v1beta1", "SecurityGroupIngressRule", "ssh", map[string]any{"cidrIpv4": "0.0.0.0/0", "fromPort": int64(22), "toPort": int64(22)}),
				obj("ec2.aws.upbound.io/v1beta1", "SecurityGroupIngressRule", "alb", map[string]any{"cidrIpv4": "0.0.0.0/0", "fromPort": int64(443), "toPort": int64(443), "description": "HTTPS to the ALB"}),
			},
			want: []string{`[sg-no-open-ingress] SecurityGroupIngressRule "ssh" of x: ingress from anywhere on ports 22-22`},
		},
		"AdminPolicy": {
			objs: []*unstructured.Unstructured{obj("iam.aws.upbound.io/v1beta1", "RolePolicy", "p", map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`})},
			want: []string{"statement 0 allows s3:* on *"},
		},
		"WideTrust": {
			objs: []*unstructured.Unstructured{obj("iam.aws.upbound.io/v1beta1", "Role", "r", map[string]any{"assumeRolePolicy": `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"oidc:sub":"system:serviceaccount:*:*"}}}]}`})},
			want: []string{"uses StringLike", "must trust exactly one system:serviceaccount", "must restrict the audience"},
		},
		"LateInitializeOff": {
			objs: func() []*unstructured.Unstructured {
				vpc := obj("ec2.aws.upbound.io/v1beta1", "VPC", "vpc", map[string]any{})
				_ = unstructured.SetNestedStringSlice(vpc.Object, []string{"Observe", "Create", "Update", "Delete"}, "spec", "managementPolicies")
				return []*unstructured.Unstructured{vpc}
			}(),
			want: []string{`[late-initialize-kept] VPC "vpc" of x: managementPolicies [Observe Create Update Delete]: keep the default`},
		},
		"Untagged": {
			objs: []*unstructured.Unstructured{obj("ec2.aws.upbound.io/v1beta1", "VPC", "vpc", map[string]any{"tags": map[string]any{"Project": "gokinjo"}})},
			want: []string{"tag Environment is missing", "tag EnvironmentId is missing", "tag ManagedBy is missing"},
		},
		"UntaggedNodes": {
			objs: func() []*unstructured.Unstructured {
				bare := obj("eks.aws.upbound.io/v1beta1", "NodeGroup", "node-group-general", map[string]any{})
				ng := obj("eks.aws.upbound.io/v1beta1", "NodeGroup", "node-group-compute", map[string]any{"launchTemplate": []any{map[string]any{"id": "lt-1", "version": "1"}}})
				lt := obj("ec2.aws.upbound.io/v1beta1", "LaunchTemplate", "launch-template-compute", map[string]any{"tagSpecifications": []any{
					map[string]any{"resourceType": "instance", "tags": map[string]any{"Project": "gokinjo", "Environment": "dev", "EnvironmentId": "gokinjo-dev-k4x2qa", "ManagedBy": "crossplane"}},
				}})
				return []*unstructured.Unstructured{bare, ng, lt}
			}(),
			want: []string{
				`[nodes-tagged] NodeGroup "node-group-general" of x: has no launch template`,
				`launch template launch-template-compute: volume tag specification lacks EnvironmentId`,
			},
		},
		"BudgetOnSharedTag": {
			objs: func() []*unstructured.Unstructured {
				b := obj("budgets.aws.upbound.io/v1beta1", "Budget", "budget", map[string]any{"costFilter": []any{map[string]any{"name": "TagKeyValue", "values": []any{"user:Environment$dev"}}}})
				b.SetAnnotations(map[string]string{"crossplane.io/composition-resource-name": "budget", "crossplane.io/external-name": "gokinjo-dev-k4x2qa-monthly"})
				vpc := obj("ec2.aws.upbound.io/v1beta1", "VPC", "vpc", map[string]any{"tags": map[string]any{"EnvironmentId": "gokinjo-dev-other1"}})
				return []*unstructured.Unstructured{b, vpc}
			}(),
			want: []string{
				`[budget-covers-environment] Budget "budget" of x: cost filter TagKeyValue [user:Environment$dev], want [user:EnvironmentId$gokinjo-dev-k4x2qa]`,
			},
		},
		"BudgetMissesResource": {
			objs: func() []*unstructured.Unstructured {
				b := obj("budgets.aws.upbound.io/v1beta1", "Budget", "budget", map[string]any{"costFilter": []any{map[string]any{"name": "TagKeyValue", "values": []any{"user:EnvironmentId$gokinjo-dev-k4x2qa"}}}})
				b.SetAnnotations(map[string]string{"crossplane.io/composition-resource-name": "budget", "crossplane.io/external-name": "gokinjo-dev-k4x2qa-monthly"})
				vpc := obj("ec2.aws.upbound.io/v1beta1", "VPC", "vpc", map[string]any{"tags": map[string]any{"EnvironmentId": "gokinjo-dev-other1"}})
				return []*unstructured.Unstructured{b, vpc}
			}(),
			want: []string{`VPC "vpc" of x is tagged EnvironmentId="gokinjo-dev-other1": the budget does not count it`},
		},
		"OrphanOnDeleted": {
			objs: func() []*unstructured.Unstructured {
				sg := obj("ec2.aws.upbound.io/v1beta1", "SecurityGroup", "db-sg", map[string]any{
					"vpcIdSelector": map[string]any{"matchLabels": map[string]any{"platform.gokinjo.io/component": "vpc"}},
				})
				_ = unstructured.SetNestedField(sg.Object, "Orphan", "spec", "deletionPolicy")
				vpc := obj("ec2.aws.upbound.io/v1beta1", "VPC", "vpc", map[string]any{})
				kept := obj("ec2.aws.upbound.io/v1beta1", "SecurityGroup", "ok-sg", map[string]any{
					"vpcIdSelector": map[string]any{"matchLabels": map[string]any{"platform.gokinjo.io/component": "vpc2"}},
				})
				_ = unstructured.SetNestedField(kept.Object, "Orphan", "spec", "deletionPolicy")
				vpc2 := obj("ec2.aws.upbound.io/v1beta1", "VPC", "vpc2", map[string]any{})
				_ = unstructured.SetNestedField(vpc2.Object, "Orphan", "spec", "deletionPolicy")
				return []*unstructured.Unstructured{sg, vpc, kept, vpc2}
			}(),
			want: []string{`[orphan-holds-no-deleted] SecurityGroup "db-sg" of x: vpcIdSelector selects VPC "vpc" of x, which is deleted with the claim`},
		},
		"LongLabel": {
			objs: func() []*unstructured.Unstructured {
				u := obj("protection.crossplane.io/v1beta1", "ClusterUsage", "u", map[string]any{})
				l := u.GetLabels()
				l["platform.gokinjo.io/component"] = "usage-iam-role-node-amazonec2containerregistryreadonly-by-eks-cluster"
				u.SetLabels(l)
				return []*unstructured.Unstructured{u}
			}(),
			want: []string{`[metadata-valid] ClusterUsage "u" of x: metadata.labels: Invalid value: "usage-iam-role-node-amazonec2containerregistryreadonly-by-eks-cluster": must be no more than 63`},
		},
		"UsageSelectsNothing": {
			objs: func() []*unstructured.Unstructured {
				ref := func(kind, comp string) map[string]any {
					return map[string]any{"apiVersion": "eks.aws.upbound.io/v1beta1", "kind": kind, "resourceSelector": map[string]any{
						"matchControllerRef": true, "matchLabels": map[string]any{"platform.gokinjo.io/component": comp}}}
				}
				u := obj("protection.crossplane.io/v1beta1", "ClusterUsage", "u", map[string]any{})
				u.Object["spec"] = map[string]any{"of": ref("NodeGroup", "node-group-gpu"), "by": ref("Cluster", "eks-cluster")}
				eks := obj("eks.aws.upbound.io/v1beta1", "Cluster", "eks-cluster", map[string]any{})
				for _, o := range []*unstructured.Unstructured{u, eks} {
					o.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: "platform.gokinjo.io/v1alpha1", Kind: "XCluster", Name: "x-c", Controller: ptr.To(true)}})
				}
				return []*unstructured.Unstructured{u, eks}
			}(),
			want: []string{`[usage-selects-one] ClusterUsage "u" of x: spec.of selects 0 resources, want exactly 1`},
		},
		"UnwatchedAndScaled": {
			objs: func() []*unstructured.Unstructured {
				d := obj("kubernetes.crossplane.io/v1alpha2", "Object", "deployment-api", map[string]any{"manifest": map[string]any{
					"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "api", "namespace": "app"},
					"spec": map[string]any{"replicas": int64(2)}}})
				_ = unstructured.SetNestedMap(d.Object, map[string]any{"policy": "DeriveFromCelQuery", "celQuery": "true"}, "spec", "readiness")
				h := obj("kubernetes.crossplane.io/v1alpha2", "Object", "hpa-api", map[string]any{"manifest": map[string]any{
					"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": map[string]any{"name": "api", "namespace": "app"},
					"spec": map[string]any{"scaleTargetRef": map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}}}})
				return []*unstructured.Unstructured{d, h}
			}(),
			want: []string{
				`[objects-watched] Object "deployment-api" of x: has a readiness query but spec.watch is not true`,
				`[hpa-owns-replicas] Object "deployment-api" of x: sets spec.replicas while Object "hpa-api" of x scales it`,
			},
		},
		"LoosePod": {
			objs: []*unstructured.Unstructured{obj("kubernetes.crossplane.io/v1alpha2", "Object", "api", deployment(map[string]any{}, "gokinjo-api:latest"))},
			want: []string{"api: runAsNonRoot must be true", "readOnlyRootFilesystem must be true", "allowPrivilegeEscalation must be false", "capabilities must drop ALL", "cpu and memory limits must be set", `image "gokinjo-api:latest"`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, v := range Run(tc.objs).Violations {
				got = append(got, v.String())
			}
			all := strings.Join(got, "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("want a violation containing %q, got:\n%s", w, all)
				}
			}
			if name == "OrphanOnDeleted" && strings.Contains(all, `[orphan-holds-no-deleted] SecurityGroup "ok-sg"`) {
				t.Errorf("an orphan selecting an orphan is fine, got:\n%s", all)
			}
			if name == "OpenIngress" && strings.Contains(all, `[sg-no-open-ingress] SecurityGroupIngressRule "alb"`) {
				t.Errorf("the ALB on 443 is the one allowed exception, got:\n%s", all)
			}
		})
	}
}

func TestPinned(t *testing.T) {
	for img, want := range map[string]bool{
		"gokinjo-api:v0.1.0": true, "123.dkr.ecr.ap-northeast-1.amazonaws.com/gokinjo-api:v1": true,
		"localhost:5000/api": false, "api:latest": false, "api": false, "api@sha256:abc": true,
	} {
		if got := pinned(img); got != want {
			t.Errorf("pinned(%q) = %v, want %v", img, got, want)
		}
	}
}
