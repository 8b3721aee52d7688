package cluster

import (
	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// The inline policies of the IRSA roles. The AWS documentation publishes
// the cluster autoscaler's and the load balancer controller's policies as
// JSON to copy, not as AWS managed policies; they are written out here so
// that every permission is reviewed in this file.

// clusterAutoscalerPolicy is the Cluster Autoscaler's documented policy
// (cluster-autoscaler/cloudprovider/aws/README.md, "Minimal IAM
// permissions"): read everywhere, but resize and terminate only the Auto
// Scaling groups tagged as owned by this cluster (EKS puts that tag on the
// groups of managed node groups).
func clusterAutoscalerPolicy(c *cluster) string {
	return document(
		allow([]string{
			"autoscaling:DescribeAutoScalingGroups",
			"autoscaling:DescribeAutoScalingInstances",
			"autoscaling:DescribeLaunchConfigurations",
			"autoscaling:DescribeScalingActivities",
			"autoscaling:DescribeTags",
			"ec2:DescribeImages",
			"ec2:DescribeInstanceTypes",
			"ec2:DescribeLaunchTemplateVersions",
			"ec2:GetInstanceTypesFromInstanceRequirements",
			"eks:DescribeNodegroup",
		}, "*"),
		statement{
			Effect:   "Allow",
			Action:   []string{"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"},
			Resource: []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": {
				"aws:ResourceTag/k8s.io/cluster-autoscaler/" + c.p.Name: "owned",
			}},
		},
	)
}

// lbControllerPolicy is the AWS Load Balancer Controller's published
// iam_policy.json of the pinned controller version (facts data/iam.yaml
// lists its actions; a test checks this policy grants every one), statement
// by statement, with the ARNs in the region's partition. It is complete on
// purpose: a trimmed policy leaves the Ingress without an address when the
// controller calls an action it lacks. The workloads layer still turns the
// WAF, WAFv2 and Shield add-ons off (gokinjo does not use them).
func lbControllerPolicy(c *cluster) string {
	part := partition(c.p.Region)
	sg := "arn:" + part + ":ec2:*:*:security-group/*"
	lbs := []string{
		"arn:" + part + ":elasticloadbalancing:*:*:targetgroup/*/*",
		"arn:" + part + ":elasticloadbalancing:*:*:loadbalancer/net/*/*",
		"arn:" + part + ":elasticloadbalancing:*:*:loadbalancer/app/*/*",
	}
	listeners := []string{
		"arn:" + part + ":elasticloadbalancing:*:*:listener/net/*/*/*",
		"arn:" + part + ":elasticloadbalancing:*:*:listener/app/*/*/*",
		"arn:" + part + ":elasticloadbalancing:*:*:listener-rule/net/*/*/*",
		"arn:" + part + ":elasticloadbalancing:*:*:listener-rule/app/*/*/*",
	}
	const tag = "elbv2.k8s.aws/cluster"
	requestTagged := map[string]any{"aws:RequestTag/" + tag: "false"}
	resourceTagged := map[string]any{"aws:ResourceTag/" + tag: "false"}
	retag := map[string]any{"aws:RequestTag/" + tag: "true", "aws:ResourceTag/" + tag: "false"}
	return document(
		statement{
			Effect: "Allow", Action: []string{"iam:CreateServiceLinkedRole"}, Resource: []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}},
		},
		allow([]string{
			"ec2:DescribeAccountAttributes",
			"ec2:DescribeAddresses",
			"ec2:DescribeAvailabilityZones",
			"ec2:DescribeInternetGateways",
			"ec2:DescribeVpcs",
			"ec2:DescribeVpcPeeringConnections",
			"ec2:DescribeSubnets",
			"ec2:DescribeSecurityGroups",
			"ec2:DescribeInstances",
			"ec2:DescribeNetworkInterfaces",
			"ec2:DescribeTags",
			"ec2:GetCoipPoolUsage",
			"ec2:DescribeCoipPools",
			"ec2:GetSecurityGroupsForVpc",
			"ec2:DescribeIpamPools",
			"ec2:DescribeRouteTables",
			"elasticloadbalancing:DescribeLoadBalancers",
			"elasticloadbalancing:DescribeLoadBalancerAttributes",
			"elasticloadbalancing:DescribeListeners",
			"elasticloadbalancing:DescribeListenerCertificates",
			"elasticloadbalancing:DescribeSSLPolicies",
			"elasticloadbalancing:DescribeRules",
			"elasticloadbalancing:DescribeTargetGroups",
			"elasticloadbalancing:DescribeTargetGroupAttributes",
			"elasticloadbalancing:DescribeTargetHealth",
			"elasticloadbalancing:DescribeTags",
			"elasticloadbalancing:DescribeTrustStores",
			"elasticloadbalancing:DescribeListenerAttributes",
			"elasticloadbalancing:DescribeCapacityReservation",
		}, "*"),
		allow([]string{
			"cognito-idp:DescribeUserPoolClient",
			"acm:ListCertificates",
			"acm:DescribeCertificate",
			"iam:ListServerCertificates",
			"iam:GetServerCertificate",
			"waf-regional:GetWebACL",
			"waf-regional:GetWebACLForResource",
			"waf-regional:AssociateWebACL",
			"waf-regional:DisassociateWebACL",
			"wafv2:GetWebACL",
			"wafv2:GetWebACLForResource",
			"wafv2:AssociateWebACL",
			"wafv2:DisassociateWebACL",
			"shield:GetSubscriptionState",
			"shield:DescribeProtection",
			"shield:CreateProtection",
			"shield:DeleteProtection",
		}, "*"),
		allow([]string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"}, "*"),
		allow([]string{"ec2:CreateSecurityGroup"}, "*"),
		statement{
			Effect: "Allow", Action: []string{"ec2:CreateTags"}, Resource: []string{sg},
			Condition: map[string]map[string]any{
				"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"},
				"Null":         requestTagged,
			},
		},
		statement{
			Effect: "Allow", Action: []string{"ec2:CreateTags", "ec2:DeleteTags"}, Resource: []string{sg},
			Condition: map[string]map[string]any{"Null": retag},
		},
		statement{
			Effect: "Allow", Action: []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"}, Resource: []string{"*"},
			Condition: map[string]map[string]any{"Null": resourceTagged},
		},
		statement{
			Effect: "Allow", Action: []string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"}, Resource: []string{"*"},
			Condition: map[string]map[string]any{"Null": requestTagged},
		},
		allow([]string{
			"elasticloadbalancing:CreateListener",
			"elasticloadbalancing:DeleteListener",
			"elasticloadbalancing:CreateRule",
			"elasticloadbalancing:DeleteRule",
		}, "*"),
		statement{
			Effect: "Allow", Action: []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}, Resource: lbs,
			Condition: map[string]map[string]any{"Null": retag},
		},
		allow([]string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}, listeners...),
		statement{
			Effect: "Allow",
			Action: []string{
				"elasticloadbalancing:ModifyLoadBalancerAttributes",
				"elasticloadbalancing:SetIpAddressType",
				"elasticloadbalancing:SetSecurityGroups",
				"elasticloadbalancing:SetSubnets",
				"elasticloadbalancing:DeleteLoadBalancer",
				"elasticloadbalancing:ModifyTargetGroup",
				"elasticloadbalancing:ModifyTargetGroupAttributes",
				"elasticloadbalancing:DeleteTargetGroup",
				"elasticloadbalancing:ModifyListenerAttributes",
				"elasticloadbalancing:ModifyCapacityReservation",
				"elasticloadbalancing:ModifyIpPools",
			},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"Null": resourceTagged},
		},
		statement{
			Effect: "Allow", Action: []string{"elasticloadbalancing:AddTags"}, Resource: lbs,
			Condition: map[string]map[string]any{
				"StringEquals": {"elasticloadbalancing:CreateAction": []string{"CreateTargetGroup", "CreateLoadBalancer"}},
				"Null":         requestTagged,
			},
		},
		allow([]string{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"},
			"arn:"+part+":elasticloadbalancing:*:*:targetgroup/*/*"),
		allow([]string{
			"elasticloadbalancing:SetWebAcl",
			"elasticloadbalancing:ModifyListener",
			"elasticloadbalancing:AddListenerCertificates",
			"elasticloadbalancing:RemoveListenerCertificates",
			"elasticloadbalancing:ModifyRule",
			"elasticloadbalancing:SetRulePriorities",
		}, "*"),
	)
}

// bucketARN is the ARN of a data-lake bucket: the name the environment
// layer resolved with the data lake's bucketSuffix (naming.BucketName, the
// one bucket-name function), or without a suffix for an XCluster written
// before the names were passed.
func (c *cluster) bucketARN(tier string) string {
	return "arn:" + partition(c.p.Region) + ":s3:::" + c.bucketName(tier)
}

func (c *cluster) bucketName(tier string) string {
	if name := c.p.Buckets[tier]; name != "" {
		return name
	}
	return naming.BucketName(c.p.Owner, tier, "")
}

// lakeOps are the S3 operations of a data-lake user. A write may be a
// multipart upload (clients switch to it for large files) and may be
// aborted.
var lakeOps = []string{"GetObject", "PutObject", "CreateMultipartUpload", "UploadPart"}

// airflowTiers are the tiers the ETL reads and writes: every one. Only
// Airflow uses the data lake; the API reads PostgreSQL only (services/api)
// and has no role.
var airflowTiers = []string{naming.BucketRaw, naming.BucketProcessed, naming.BucketCurated}

// DataLakeAccess maps each app service account (<namespace>/<name>, as in
// status.serviceAccountRoleArns) to the S3 operations it performs on which
// buckets: what its role must allow, and what the tests prove with the
// simulator's S3 data plane.
func DataLakeAccess(p v1alpha1.ClusterParameters) map[string]map[string][]string {
	c := &cluster{p: p}
	out := map[string]map[string][]string{}
	for _, sa := range c.serviceAccounts() {
		if len(sa.lakeTiers) == 0 {
			continue
		}
		byBucket := map[string][]string{}
		for _, t := range sa.lakeTiers {
			byBucket[c.bucketName(t)] = lakeOps
		}
		out[sa.namespace+"/"+sa.name] = byBucket
	}
	return out
}

// lakePolicy allows listing the buckets and the object actions on them and,
// when the buckets use SSE-KMS, the KMS actions S3 calls with the role's
// credentials for those operations (facts data/iam.yaml s3SseKms).
func (c *cluster) lakePolicy(tiers []string) string {
	objectActions := []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}
	var buckets, objects []string
	for _, t := range tiers {
		buckets = append(buckets, c.bucketARN(t))
		objects = append(objects, c.bucketARN(t)+"/*")
	}
	// Only buckets of this account: bucket names are global and derive
	// from the claim, so another account could own one under a name it
	// guessed (a squatter's bucket with an open policy would otherwise take
	// the ETL's writes).
	ownAccount := map[string]map[string]any{"StringEquals": {facts.IAM.S3OwnAccount.Key: c.accountID()}}
	list := allow([]string{"s3:ListBucket", "s3:GetBucketLocation"}, buckets...)
	list.Condition = ownAccount
	obj := allow(objectActions, objects...)
	obj.Condition = ownAccount
	st := []statement{list, obj}
	if c.p.BucketEncryption == v1alpha1.EncryptionKMS {
		st = append(st, c.lakeKMS(facts.IAM.S3SSEKMS.ActionsFor(lakeOps...), tiers))
	}
	return document(st...)
}

// lakeKMS allows the KMS actions only when S3 in the environment's region
// calls them (kms:ViaService) for one of the app's buckets (the encryption
// context S3 sets: the bucket ARN with the S3 Bucket Keys the data lake
// enables, the object ARN for an object written without one). It needs no
// key ARN: the data lake's key is created by another layer, and naming it
// would make the roles wait for it to be observed. The key's default key
// policy lets IAM policies grant its use.
func (c *cluster) lakeKMS(actions, tiers []string) statement {
	s3kms := facts.IAM.S3SSEKMS
	var contexts []string
	for _, t := range tiers {
		contexts = append(contexts, c.bucketARN(t), c.bucketARN(t)+"/*")
	}
	return statement{
		Effect:   "Allow",
		Action:   actions,
		Resource: []string{"arn:" + partition(c.p.Region) + ":kms:" + c.p.Region + ":*:key/*"},
		Condition: map[string]map[string]any{
			"StringEquals": {"kms:ViaService": s3kms.ViaServiceIn(c.p.Region)},
			"StringLike":   {"kms:EncryptionContext:" + s3kms.EncryptionContextKey: contexts},
		},
	}
}

// accountID is the environment's AWS account, read off the OIDC provider's
// ARN (the IRSA roles are composed only once it is observed).
func (c *cluster) accountID() string {
	a, err := arn.Parse(c.oidcProviderARN())
	if err != nil {
		return ""
	}
	return a.AccountID
}
