package cluster

import (
	iam "github.com/upbound/provider-aws/apis/iam/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

const (
	compClusterRole    = "iam-role-cluster"
	compClusterRoleKMS = "iam-role-cluster-kms"
	compNodeRole       = "iam-role-node"
)

// AWS managed policies of the control plane and the nodes: exactly what EKS
// documents as required, nothing more. Pods get their AWS permissions from
// IRSA roles, never from the node role.
var (
	clusterPolicies = []string{"AmazonEKSClusterPolicy"}
	nodePolicies    = []string{"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"}
)

func (c *cluster) managedPolicyARN(name string) string {
	return "arn:" + partition(c.p.Region) + ":iam::aws:policy/" + name
}

// clusterRole composes the role the EKS control plane assumes, and the
// inline policy that lets it use the secrets key (scoped to that one key;
// composed with the cluster, once the key's ARN is observed).
func (c *cluster) clusterRole() error {
	if err := c.role(compClusterRole, naming.AWSName(c.p.Owner, "eks-cluster"), serviceTrust("eks.amazonaws.com"), clusterPolicies); err != nil {
		return err
	}
	keyARN := c.keyARN()
	if keyARN == "" {
		return nil
	}
	doc := document(allow([]string{"kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"}, keyARN))
	return c.rolePolicy(compClusterRoleKMS, naming.AWSName(c.p.Owner, "eks-cluster-kms"), compClusterRole, doc)
}

// nodeRole composes the role of the managed node groups' instances.
func (c *cluster) nodeRole() error {
	return c.role(compNodeRole, naming.AWSName(c.p.Owner, "eks-node"), serviceTrust("ec2.amazonaws.com"), nodePolicies)
}

// role composes an IAM role named name with a trust policy, and one
// attachment per AWS managed policy.
func (c *cluster) role(comp, name, trust string, managed []string) error {
	r := &iam.Role{
		ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{meta.AnnotationKeyExternalName: name}},
		Spec: iam.RoleSpec{
			ResourceSpec: mr.Spec(c.p.Owner),
			ForProvider: iam.RoleParameters{
				AssumeRolePolicy: mr.Str(trust),
				Tags:             c.tags(name),
			},
		},
	}
	if err := c.s.Add(comp, r, c.labels(comp)); err != nil {
		return err
	}
	for _, p := range managed {
		ac := comp + "-" + policyComponent(p)
		a := &iam.RolePolicyAttachment{Spec: iam.RolePolicyAttachmentSpec{
			ResourceSpec: mr.Spec(c.p.Owner),
			ForProvider: iam.RolePolicyAttachmentParameters{
				PolicyArn:    mr.Str(c.managedPolicyARN(p)),
				RoleSelector: mr.Local(comp),
			},
		}}
		if err := c.s.Add(ac, a, c.labels(ac)); err != nil {
			return err
		}
	}
	return nil
}

// rolePolicy composes an inline policy of a role of the layer.
func (c *cluster) rolePolicy(comp, name, role, doc string) error {
	rp := &iam.RolePolicy{
		ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{meta.AnnotationKeyExternalName: name}},
		Spec: iam.RolePolicySpec{
			ResourceSpec: mr.Spec(c.p.Owner),
			ForProvider: iam.RolePolicyParameters{
				Policy:       mr.Str(doc),
				RoleSelector: mr.Local(role),
			},
		},
	}
	return c.s.Add(comp, rp, c.labels(comp))
}

// policyComponent turns a managed policy name (service-role/AmazonEBSCSIDriverPolicy)
// into a component name suffix (amazonebscsidriverpolicy).
func policyComponent(p string) string {
	out := make([]byte, 0, len(p))
	for i := 0; i < len(p); i++ {
		ch := p[i]
		switch {
		case ch == '/':
			out = out[:0]
		case ch >= 'A' && ch <= 'Z':
			out = append(out, ch+('a'-'A'))
		case ch >= 'a' && ch <= 'z', ch >= '0' && ch <= '9':
			out = append(out, ch)
		case ch == '_':
			out = append(out, '-')
		}
	}
	return string(out)
}
