package xpkgbuild

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/gokinjo/platform/internal/rendertree"
)

// need is one AWS call a provider makes for a composed kind, with the
// condition value the call carries (iam:PassedToService, ...) and the
// resource it acts on where the policy scopes it.
type need struct {
	action, condKey, condValue, resource string
}

func calls(actions ...string) []need {
	out := make([]need, 0, len(actions))
	for _, a := range actions {
		out = append(out, need{action: a})
	}
	return out
}

// kindNeeds are the calls the providers make (create, read, update, delete,
// tag) for every kind the golden renders compose, including what AWS checks
// against the caller on the way: roles passed to a service, service-linked
// roles a first create makes. Kinds that reach no AWS API are listed with none,
// so a new composed kind fails this test until someone decides its needs.
var kindNeeds = map[string][]need{
	"ec2.aws.upbound.io/VPC":             calls("ec2:CreateVpc", "ec2:DescribeVpcs", "ec2:ModifyVpcAttribute", "ec2:DeleteVpc", "ec2:CreateTags"),
	"ec2.aws.upbound.io/Subnet":          calls("ec2:CreateSubnet", "ec2:DescribeSubnets", "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet"),
	"ec2.aws.upbound.io/InternetGateway": calls("ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway"),
	// Terraform's aws_launch_template: an update is a new version made the
	// default (update_default_version).
	"ec2.aws.upbound.io/LaunchTemplate":                   calls("ec2:CreateLaunchTemplate", "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions", "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplate", "ec2:CreateTags"),
	"ec2.aws.upbound.io/EIP":                              calls("ec2:AllocateAddress", "ec2:DescribeAddresses", "ec2:ReleaseAddress"),
	"ec2.aws.upbound.io/NATGateway":                       calls("ec2:CreateNatGateway", "ec2:DescribeNatGateways", "ec2:DeleteNatGateway"),
	"ec2.aws.upbound.io/RouteTable":                       calls("ec2:CreateRouteTable", "ec2:DescribeRouteTables", "ec2:DeleteRouteTable"),
	"ec2.aws.upbound.io/RouteTableAssociation":            calls("ec2:AssociateRouteTable", "ec2:DisassociateRouteTable"),
	"ec2.aws.upbound.io/Route":                            calls("ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"),
	"ec2.aws.upbound.io/SecurityGroup":                    calls("ec2:CreateSecurityGroup", "ec2:DescribeSecurityGroups", "ec2:RevokeSecurityGroupEgress", "ec2:DeleteSecurityGroup"),
	"ec2.aws.upbound.io/SecurityGroupIngressRule":         calls("ec2:AuthorizeSecurityGroupIngress", "ec2:DescribeSecurityGroupRules", "ec2:RevokeSecurityGroupIngress"),
	"ec2.aws.upbound.io/VPCEndpoint":                      calls("ec2:CreateVpcEndpoint", "ec2:DescribeVpcEndpoints", "ec2:DeleteVpcEndpoints"),
	"ec2.aws.upbound.io/VPCEndpointRouteTableAssociation": calls("ec2:ModifyVpcEndpoint", "ec2:DescribeVpcEndpoints"),
	"ecr.aws.upbound.io/Repository":                       calls("ecr:CreateRepository", "ecr:DescribeRepositories", "ecr:TagResource", "ecr:DeleteRepository"),
	"ecr.aws.upbound.io/LifecyclePolicy":                  calls("ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy", "ecr:DeleteLifecyclePolicy"),
	"eks.aws.upbound.io/Cluster": append(calls("eks:CreateCluster", "eks:DescribeCluster", "eks:UpdateClusterConfig", "eks:DeleteCluster", "eks:TagResource"),
		need{action: "iam:PassRole", condKey: "iam:PassedToService", condValue: "eks.amazonaws.com"},
		need{action: "iam:CreateServiceLinkedRole", condKey: "iam:AWSServiceName", condValue: "eks.amazonaws.com"}),
	"eks.aws.upbound.io/ClusterAuth": calls("eks:DescribeCluster"),
	// EKS reads a node group's launch template with the caller's
	// credentials (ec2:DescribeLaunchTemplateVersions).
	"eks.aws.upbound.io/NodeGroup": append(calls("eks:CreateNodegroup", "eks:DescribeNodegroup", "eks:UpdateNodegroupConfig", "eks:UpdateNodegroupVersion", "eks:DeleteNodegroup", "ec2:DescribeLaunchTemplateVersions"),
		need{action: "iam:PassRole", condKey: "iam:PassedToService", condValue: "eks.amazonaws.com"},
		need{action: "iam:CreateServiceLinkedRole", condKey: "iam:AWSServiceName", condValue: "eks-nodegroup.amazonaws.com"},
		need{action: "iam:CreateServiceLinkedRole", condKey: "iam:AWSServiceName", condValue: "autoscaling.amazonaws.com"}),
	"eks.aws.upbound.io/Addon": append(calls("eks:CreateAddon", "eks:DescribeAddon", "eks:UpdateAddon", "eks:DeleteAddon"),
		need{action: "iam:PassRole", condKey: "iam:PassedToService", condValue: "eks.amazonaws.com"}),
	"iam.aws.upbound.io/Role":                  calls("iam:CreateRole", "iam:GetRole", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:DeleteRole"),
	"iam.aws.upbound.io/RolePolicy":            calls("iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"),
	"iam.aws.upbound.io/RolePolicyAttachment":  calls("iam:AttachRolePolicy", "iam:ListAttachedRolePolicies", "iam:DetachRolePolicy"),
	"iam.aws.upbound.io/OpenIDConnectProvider": calls("iam:CreateOpenIDConnectProvider", "iam:GetOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint", "iam:DeleteOpenIDConnectProvider"),
	"kms.aws.upbound.io/Key":                   calls("kms:CreateKey", "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:GetKeyRotationStatus", "kms:TagResource", "kms:ListResourceTags", "kms:ScheduleKeyDeletion"),
	"cloudwatchlogs.aws.upbound.io/Group":      calls("logs:CreateLogGroup", "logs:DescribeLogGroups", "logs:PutRetentionPolicy", "logs:TagResource", "logs:DeleteLogGroup"),
	"rds.aws.upbound.io/ParameterGroup":        calls("rds:CreateDBParameterGroup", "rds:ModifyDBParameterGroup", "rds:DescribeDBParameters", "rds:DeleteDBParameterGroup"),
	"rds.aws.upbound.io/SubnetGroup":           calls("rds:CreateDBSubnetGroup", "rds:DescribeDBSubnetGroups", "rds:DeleteDBSubnetGroup"),
	"rds.aws.upbound.io/Instance": append(calls("rds:CreateDBInstance", "rds:DescribeDBInstances", "rds:ModifyDBInstance", "rds:AddTagsToResource", "rds:DeleteDBInstance",
		"kms:DescribeKey", "kms:CreateGrant"),
		need{action: "iam:CreateServiceLinkedRole", condKey: "iam:AWSServiceName", condValue: "rds.amazonaws.com"}),
	"s3.aws.upbound.io/Bucket":                                  calls("s3:CreateBucket", "s3:ListBucket", "s3:PutBucketTagging", "s3:GetBucketTagging", "s3:DeleteBucket"),
	"s3.aws.upbound.io/BucketLifecycleConfiguration":            calls("s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration"),
	"s3.aws.upbound.io/BucketOwnershipControls":                 calls("s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls"),
	"s3.aws.upbound.io/BucketPolicy":                            calls("s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"),
	"s3.aws.upbound.io/BucketPublicAccessBlock":                 calls("s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
	"s3.aws.upbound.io/BucketServerSideEncryptionConfiguration": calls("s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration"),
	"s3.aws.upbound.io/BucketVersioning":                        calls("s3:PutBucketVersioning", "s3:GetBucketVersioning"),
	"budgets.aws.upbound.io/Budget":                             calls("budgets:ModifyBudget", "budgets:ViewBudget"),
	"helm.crossplane.io/Release":                                nil, // in the environment's EKS cluster
	"helm.crossplane.io/ProviderConfig":                         nil,
	"kubernetes.crossplane.io/Object":                           nil,
	"kubernetes.crossplane.io/ProviderConfig":                   nil,
	"protection.crossplane.io/ClusterUsage":                     nil, // Crossplane core
}

type statement struct {
	Effect    string
	Action    stringOrList
	Resource  stringOrList
	Condition map[string]map[string]stringOrList
}

type policy struct {
	Version   string
	Statement []statement
}

// stringOrList is an IAM policy element that is a string or a list.
type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

func readPolicy(t *testing.T, file string) policy {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, "examples", "management", "iam", file))
	if err != nil {
		t.Fatal(err)
	}
	var p policy
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if p.Version != "2012-10-17" || len(p.Statement) == 0 {
		t.Fatalf("%s: version %q, %d statements", file, p.Version, len(p.Statement))
	}
	return p
}

// glob matches an IAM pattern (* and ?), actions case-insensitively.
func glob(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}

// allows reports whether p allows n: an Allow statement whose actions match,
// whose resources match (a statement scoped to resources needs a need that
// names one), and whose StringEquals conditions the call satisfies.
func allows(p policy, n need) bool {
	for _, s := range p.Statement {
		if s.Effect != "Allow" {
			continue
		}
		actionOK := false
		for _, a := range s.Action {
			actionOK = actionOK || glob(a, n.action, true)
		}
		resourceOK := false
		for _, r := range s.Resource {
			resourceOK = resourceOK || r == "*" || n.resource != "" && glob(r, n.resource, false)
		}
		condOK := true
		for op, kv := range s.Condition {
			for k, vs := range kv {
				if op != "StringEquals" || k != n.condKey {
					condOK = false
					continue
				}
				found := false
				for _, v := range vs {
					found = found || v == n.condValue
				}
				condOK = condOK && found
			}
		}
		if actionOK && resourceOK && condOK {
			return true
		}
	}
	return false
}

// TestProviderPermissions proves the provider role's permission policy
// allows every call the providers make for every kind the golden renders
// compose.
func TestProviderPermissions(t *testing.T) {
	p := readPolicy(t, "provider-aws-permissions.json")
	goldens, _ := filepath.Glob(filepath.Join(repo, "internal", "rendertree", "testdata", "golden", "*.yaml"))
	if len(goldens) == 0 {
		t.Fatal("no golden renders")
	}
	kinds := map[string]bool{}
	for _, g := range goldens {
		objs, err := rendertree.ReadYAML(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			if gvk := o.GroupVersionKind(); gvk.Group != "platform.gokinjo.io" {
				kinds[gvk.Group+"/"+gvk.Kind] = true
			}
		}
	}
	var sorted []string
	for k := range kinds {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		needs, known := kindNeeds[k]
		if !known {
			t.Errorf("%s is composed but its AWS calls are not listed in kindNeeds: add them and the policy statements", k)
			continue
		}
		for _, n := range needs {
			if !allows(p, n) {
				t.Errorf("%s: provider-aws-permissions.json does not allow %s %s=%s %s", k, n.action, n.condKey, n.condValue, n.resource)
			}
		}
	}
	// The policy itself: a role passed or a service-linked role created only
	// for the composed services.
	for _, n := range []need{
		{action: "iam:PassRole", condKey: "iam:PassedToService", condValue: "lambda.amazonaws.com"},
		{action: "iam:CreateServiceLinkedRole", condKey: "iam:AWSServiceName", condValue: "redshift.amazonaws.com"},
		{action: "iam:CreateUser"},
		// The instance's password is generated by provider-aws into a
		// Kubernetes Secret (autoGeneratePassword), not managed by RDS in
		// Secrets Manager (manageMasterUserPassword): no secret of any name.
		{action: "secretsmanager:CreateSecret", resource: "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:rds!db-0123"},
		{action: "secretsmanager:CreateSecret", resource: "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:other"},
	} {
		if allows(p, n) {
			t.Errorf("the policy allows %s %s=%s %s, which nothing composed needs", n.action, n.condKey, n.condValue, n.resource)
		}
	}
}

// TestProviderTrust proves the trust policies name the service account the
// DeploymentRuntimeConfig fixes, in Crossplane's namespace.
func TestProviderTrust(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repo, "examples", "management", "runtime-config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var rc struct {
		Kind string
		Spec struct {
			ServiceAccountTemplate struct {
				Metadata struct {
					Name        string
					Annotations map[string]string
				}
			} `json:"serviceAccountTemplate"`
		}
	}
	if err := yaml.Unmarshal(b, &rc); err != nil {
		t.Fatal(err)
	}
	sa := rc.Spec.ServiceAccountTemplate.Metadata.Name
	if rc.Kind != "DeploymentRuntimeConfig" || sa == "" {
		t.Fatalf("runtime-config.yaml must be a DeploymentRuntimeConfig that names the service account (got %s, %q)", rc.Kind, sa)
	}
	const ns = "crossplane-system"

	irsa := readPolicy(t, "provider-aws-trust-irsa.json")
	s := irsa.Statement[0]
	if len(irsa.Statement) != 1 || s.Effect != "Allow" || len(s.Action) != 1 || s.Action[0] != "sts:AssumeRoleWithWebIdentity" {
		t.Fatalf("IRSA trust: want one Allow sts:AssumeRoleWithWebIdentity statement, got %+v", irsa.Statement)
	}
	eq := s.Condition["StringEquals"]
	if got := eq["OIDC_PROVIDER:sub"]; len(got) != 1 || got[0] != "system:serviceaccount:"+ns+":"+sa {
		t.Errorf("IRSA trust sub %v, want system:serviceaccount:%s:%s", got, ns, sa)
	}
	if got := eq["OIDC_PROVIDER:aud"]; len(got) != 1 || got[0] != "sts.amazonaws.com" {
		t.Errorf("IRSA trust aud %v, want sts.amazonaws.com", got)
	}
	if len(s.Condition) != 1 || len(eq) != 2 {
		t.Errorf("IRSA trust conditions %v: want exactly sub and aud", s.Condition)
	}

	pi := readPolicy(t, "provider-aws-trust-pod-identity.json")
	s = pi.Statement[0]
	eq = s.Condition["StringEquals"]
	if got := eq["aws:RequestTag/kubernetes-service-account"]; len(got) != 1 || got[0] != sa {
		t.Errorf("Pod Identity trust service account %v, want %s", got, sa)
	}
	if got := eq["aws:RequestTag/kubernetes-namespace"]; len(got) != 1 || got[0] != ns {
		t.Errorf("Pod Identity trust namespace %v, want %s", got, ns)
	}
}
