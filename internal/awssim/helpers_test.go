package awssim

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/internal/facts"
)

// testFacts are test-local facts: the data files may still hold
// placeholders, and each rule's test must not depend on them.
func testFacts() Facts {
	return Facts{
		Regions: facts.RegionFacts{Regions: []facts.Region{{
			Name: "ap-northeast-1", Partition: "aws",
			Zones: []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}, NotOffered: []string{"ap-northeast-1b"},
		}}},
		RDS: facts.RDSFacts{Engine: "postgres", Major: "15", Versions: []facts.EngineVersion{
			{Version: "15.4", Deprecated: true}, {Version: "15.12", PostGIS: "3.4.3"}, {Version: "15.15", PostGIS: "3.4.4"},
		}, ReplicaUpgrades: facts.ReplicaUpgrades{Code: "DBUpgradeDependencyFailure", Message: "One or more of the DB Instance's read replicas need to be upgraded"},
			GP3: facts.RDS.GP3},
		EKS: facts.EKSFacts{DefaultStorageClass: "ebs-gp3-default", NodeGroupScaling: facts.NodeGroupScaling{
			MinAboveDesired: "Minimum capacity %d can't be greater than desired size %d",
			DesiredAboveMax: "desiredSize can't be greater than maxSize",
		}, Versions: []facts.KubernetesVersion{
			{Version: "1.33", Addons: map[string]string{"vpc-cni": "v1.19.5-eksbuild.1"}},
			{Version: "1.34", Addons: map[string]string{"vpc-cni": "v1.20.4-eksbuild.1"}},
		}},
		IAM: facts.IAMFacts{
			Controllers: map[string]facts.ControllerPolicy{
				LBControllerChart: {Actions: []string{"ec2:DescribeSubnets", "elasticloadbalancing:DescribeCapacityReservation"}},
			},
			S3SSEKMS: facts.S3SSEKMS{
				ObjectActions: map[string]string{"GetObject": "s3:GetObject", "PutObject": "s3:PutObject", "CreateMultipartUpload": "s3:PutObject", "UploadPart": "s3:PutObject"},
				Actions: map[string][]string{"GetObject": {"kms:Decrypt"}, "PutObject": {"kms:GenerateDataKey"},
					"CreateMultipartUpload": {"kms:GenerateDataKey"}, "UploadPart": {"kms:Decrypt"}},
				ViaService: "s3.<region>.amazonaws.com", EncryptionContextKey: "aws:s3:arn",
			},
			S3OwnAccount: facts.ConditionKey{Key: "s3:ResourceAccount"},
		},
		Charts: facts.ChartFacts{Charts: map[string]facts.Chart{
			"airflow": {Chart: "airflow", Defaults: map[string]any{"migrateDatabaseJob.useHelmHooks": true}},
			LBControllerChart: {Chart: LBControllerChart, Defaults: map[string]any{
				"enableServiceMutatorWebhook": true, "serviceMutatorWebhookConfig.failurePolicy": "Fail",
			}},
			"cluster-autoscaler": {
				Chart: "cluster-autoscaler",
				ByKubernetesVersion: map[string]facts.Chart{
					"1.32": {Version: "9.46.6", AppVersion: "1.32.0", Defaults: map[string]any{"image.tag": "v1.32.0"}},
					"1.35": {Version: "9.59.0", AppVersion: "1.35.0", Defaults: map[string]any{"image.tag": "v1.35.0"}},
				},
				DynamicResourceAllocation: &facts.AutoscalerDRA{FromImageMinor: 35, RBACFromChart: "9.54.0"},
			},
		}},
		Limits: facts.LimitFacts{
			Names: map[string]facts.NameLimit{
				LimitS3Bucket:      {Min: 3, Max: 63, Rule: "lowercase letters, digits, hyphens, dots", Pattern: `^[a-z0-9][a-z0-9.-]*[a-z0-9]$`},
				LimitRDSIdentifier: {Min: 1, Max: 63, Rule: "letters, digits, hyphens; starts with a letter", Pattern: `^[a-zA-Z](?:[a-zA-Z0-9]|-[a-zA-Z0-9])*$`},
				LimitIAMRole:       {Min: 1, Max: 64, Rule: "alphanumerics and +=,.@_-", Pattern: `^[\w+=,.@-]+$`},
				LimitKMSAlias:      {Min: 7, Max: 256, Rule: "alias/ then alphanumerics, /_-", Pattern: `^alias/[a-zA-Z0-9/_-]+$`},
				LimitLogGroup:      {Min: 1, Max: 512, Rule: "a-z A-Z 0-9 _ - / . #", Pattern: `^[\w/.#-]+$`},
				LimitECRRepository: {Min: 2, Max: 256, Rule: "lowercase, digits, ._-/", Pattern: `^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`},
			},
			PolicyDocuments: map[string]int{LimitTrustPolicy: 2048, LimitInlinePolicy: 10240, LimitManagedPolicy: 6144},
		},
	}
}

func newAccount(cloud *Cloud, id string) *Account {
	a := NewAccount(cloud, id)
	a.Facts = testFacts()
	return a
}

const testEnv = "gokinjo-abcde"

// mr is a managed resource of the environment, controlled by the XR owner.
func mr(group, kind, name string, forProvider map[string]any, opts ...func(*unstructured.Unstructured)) *unstructured.Unstructured {
	apiGroup := group + ".aws.upbound.io"
	if strings.Contains(group, ".") {
		apiGroup = group
	}
	if forProvider == nil {
		forProvider = map[string]any{}
	}
	if _, ok := forProvider["region"]; !ok && !strings.Contains(group, ".") {
		forProvider["region"] = "ap-northeast-1"
	}
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": apiGroup + "/v1beta1", "kind": kind,
		"metadata": map[string]any{
			"name":   name,
			"labels": map[string]any{"platform.gokinjo.io/environment-id": testEnv, "platform.gokinjo.io/component": name},
			"ownerReferences": []any{map[string]any{"apiVersion": "platform.gokinjo.io/v1alpha1", "kind": "XNetwork",
				"name": "owner", "uid": "", "controller": true}},
		},
		"spec": map[string]any{"forProvider": forProvider},
	}}
	for _, o := range opts {
		o(u)
	}
	return u
}

func ext(name string) func(*unstructured.Unstructured) {
	return func(u *unstructured.Unstructured) { setAnnotation(u, AnnotationExternalName, name) }
}

func orphan(u *unstructured.Unstructured) {
	_ = unstructured.SetNestedField(u.Object, "Orphan", "spec", "deletionPolicy")
}

func env(id string) func(*unstructured.Unstructured) {
	return func(u *unstructured.Unstructured) {
		l := u.GetLabels()
		l["platform.gokinjo.io/environment-id"] = id
		u.SetLabels(l)
	}
}

func owner(kind, name string) func(*unstructured.Unstructured) {
	return func(u *unstructured.Unstructured) {
		u.Object["metadata"].(map[string]any)["ownerReferences"] = []any{map[string]any{"apiVersion": "platform.gokinjo.io/v1alpha1",
			"kind": kind, "name": name, "uid": "", "controller": true}}
	}
}

// usage is a ClusterUsage keeping the resource of (by API version, kind and
// name) until the resource by is gone.
func usage(ofAPI, ofKind, of, byAPI, byKind, by string) *unstructured.Unstructured {
	u := mr("protection.crossplane.io", "ClusterUsage", "usage-"+of+"-by-"+by, nil)
	u.Object["spec"] = map[string]any{
		"of": map[string]any{"apiVersion": ofAPI, "kind": ofKind, "resourceRef": map[string]any{"name": of}},
		"by": map[string]any{"apiVersion": byAPI, "kind": byKind, "resourceRef": map[string]any{"name": by}},
	}
	return u
}

// sel is a selector on the component label within the same controller.
func sel(component string) map[string]any {
	return map[string]any{"matchControllerRef": true, "matchLabels": map[string]any{"platform.gokinjo.io/component": component}}
}

func apply(t *testing.T, a *Account, objs ...*unstructured.Unstructured) []*unstructured.Unstructured {
	t.Helper()
	return a.ApplyAll("xr", objs, func(u *unstructured.Unstructured) string { return u.GetName() })
}

// mustDelete deletes the test environment from a and checks whether the
// deletion completes and that its report says want ("" for anything).
func mustDelete(t *testing.T, a *Account, complete bool, want string) DeletionReport {
	t.Helper()
	rep := a.DeleteEnvironment(testEnv)
	if rep.Complete() != complete || !strings.Contains(rep.String(), want) {
		t.Errorf("complete=%v, want %v with %q:\n%s", rep.Complete(), complete, want, rep)
	}
	return rep
}

func state(a *Account, u *unstructured.Unstructured) *Resource {
	return a.Get(u.GroupVersionKind().GroupKind(), u.GetName())
}

// mustState fails unless the resource is in the state, and (if given) its
// message contains want.
func mustState(t *testing.T, a *Account, u *unstructured.Unstructured, s State, want string) {
	t.Helper()
	r := state(a, u)
	if r == nil {
		t.Fatalf("%s %s: unknown to the simulator", u.GetKind(), u.GetName())
	}
	if r.State != s || !strings.Contains(r.Message, want) {
		t.Errorf("%s %s: want %s with message containing %q, got %s: %q", u.GetKind(), u.GetName(), s, want, r.State, r.Message)
	}
}

func vpc(cidr string) *unstructured.Unstructured {
	return mr("ec2", "VPC", "vpc", map[string]any{"cidrBlock": cidr})
}

func subnet(name, cidr, zone string, tags map[string]any) *unstructured.Unstructured {
	fp := map[string]any{"cidrBlock": cidr, "availabilityZone": zone, "vpcIdSelector": sel("vpc")}
	if tags != nil {
		fp["tags"] = tags
	}
	return mr("ec2", "Subnet", name, fp)
}
