package cluster

import (
	"strings"

	eks "github.com/upbound/provider-aws/apis/eks/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Component names, which are also the composition resource names.
const (
	compKMSKey      = "kms-key-secrets"
	compCluster     = "eks-cluster"
	compAdminEntry  = "access-entry-admin"
	compAdminPolicy = "access-policy-admin"
)

// logTypes are every control-plane log type EKS offers; all go to
// CloudWatch Logs (/aws/eks/<cluster>/cluster).
var logTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// authenticationMode keeps the aws-auth ConfigMap working beside access
// entries, so tools that still edit it keep working while access moves to
// the EKS API.
const authenticationMode = "API_AND_CONFIG_MAP"

// kmsKey composes the customer managed key that envelope-encrypts the
// cluster's Kubernetes secrets. Rotation is yearly (AWS default period).
func (c *cluster) kmsKey() error {
	o := c.p.Owner
	key := mr.KMSKey(mr.Spec(o), o.Region, "Envelope encryption of Kubernetes secrets of EKS cluster "+c.p.Name,
		c.tags(naming.AWSName(o, "eks-secrets")))
	return c.s.Add(compKMSKey, key, c.labels(compKMSKey))
}

// keyARN is the ARN of the secrets key: observed on the key, else (the key's
// status lost, say) the one the observed cluster already uses. EKS takes no
// reference here, so the cluster waits for it.
func (c *cluster) keyARN() string {
	if arn := c.s.ObservedString(compKMSKey, "status.atProvider.arn"); arn != "" {
		return arn
	}
	return c.s.ObservedString(compCluster, "status.atProvider.encryptionConfig[0].provider[0].keyArn")
}

// eksCluster composes the EKS control plane in the private subnets of the
// network layer. It is composed once the KMS key's ARN is observed (EKS
// cannot add envelope encryption without it) and its log group exists (or
// EKS creates the group itself, without retention), and from then on always.
//
// The private endpoint is always on; the public one only when the claim lists
// the CIDRs that may reach it (there is no open default).
func (c *cluster) eksCluster() error {
	keyARN := c.keyARN()
	if keyARN == "" || (!c.s.ObservedExists(compLogGroup) && !c.s.ObservedExists(compCluster)) {
		c.s.Wait(compCluster)
		return nil
	}
	o := c.p.Owner
	cl := &eks.Cluster{
		ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{meta.AnnotationKeyExternalName: c.p.Name}},
		Spec: eks.ClusterSpec{
			ResourceSpec: mr.Spec(o),
			ForProvider: eks.ClusterParameters{
				Region:  mr.Str(o.Region),
				Version: mr.Str(c.version),
				// STANDARD unless the claim pays for extended support: EKS
				// upgrades the control plane at the end of standard
				// support instead of billing the extended price.
				UpgradePolicy:   []eks.UpgradePolicyParameters{{SupportType: mr.Str(c.supportType())}},
				RoleArnSelector: mr.Local(compClusterRole),
				VPCConfig: []eks.VPCConfigParameters{{
					EndpointPrivateAccess: mr.Bool(true),
					EndpointPublicAccess:  mr.Bool(len(c.p.PublicAccessCIDRs) > 0),
					PublicAccessCidrs:     c.publicAccessCIDRs(),
					SubnetIDSelector:      mr.Env(o, map[string]string{naming.LabelTier: v1alpha1.TierPrivate}),
				}},
				EnabledClusterLogTypes: strs(logTypes),
				EncryptionConfig: []eks.EncryptionConfigParameters{{
					Provider:  []eks.ProviderParameters{{KeyArn: mr.Str(keyARN)}},
					Resources: strs([]string{"secrets"}),
				}},
				AccessConfig: []eks.AccessConfigParameters{{
					AuthenticationMode: mr.Str(authenticationMode),
					// The provider's identity creates the cluster and must
					// stay admin: ClusterAuth's kubeconfig acts as it.
					BootstrapClusterCreatorAdminPermissions: mr.Bool(true),
				}},
				Tags: c.tags(c.p.Name),
			},
		},
	}
	if err := c.s.Add(compCluster, cl, c.labels(compCluster)); err != nil {
		return err
	}
	c.composed = true
	return nil
}

// supportType is the EKS upgrade policy, STANDARD unless asked otherwise.
func (c *cluster) supportType() string {
	if c.p.SupportType == "" {
		return v1alpha1.SupportStandard
	}
	return c.p.SupportType
}

// publicAccessCIDRs is nil with the public endpoint off: an empty list would
// let EKS apply its own default, 0.0.0.0/0.
func (c *cluster) publicAccessCIDRs() []*string {
	if len(c.p.PublicAccessCIDRs) == 0 {
		return nil
	}
	return strs(c.p.PublicAccessCIDRs)
}

// adminAccess gives the admin principal cluster-wide admin through an EKS
// access entry and the AmazonEKSClusterAdminPolicy access policy.
func (c *cluster) adminAccess() error {
	if !c.p.AccessEntries || !c.composed {
		return nil
	}
	o := c.p.Owner
	entry := &eks.AccessEntry{Spec: eks.AccessEntrySpec{
		ResourceSpec: mr.Spec(o),
		ForProvider: eks.AccessEntryParameters{
			Region:              mr.Str(o.Region),
			ClusterNameSelector: mr.Local(compCluster),
			PrincipalArn:        mr.Str(c.p.AdminPrincipalARN),
			Type:                mr.Str("STANDARD"),
			Tags:                c.tags(naming.AWSName(o, "admin")),
		},
	}}
	entryComp, policyComp := c.adminComponents()
	if err := c.s.Add(entryComp, entry, c.labels(entryComp)); err != nil {
		return err
	}
	assoc := &eks.AccessPolicyAssociation{Spec: eks.AccessPolicyAssociationSpec{
		ResourceSpec: mr.Spec(o),
		ForProvider: eks.AccessPolicyAssociationParameters{
			Region:               mr.Str(o.Region),
			ClusterNameSelector:  mr.Local(compCluster),
			PrincipalArnSelector: mr.Local(entryComp),
			PolicyArn:            mr.Str("arn:" + partition(o.Region) + ":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"),
			AccessScope:          &eks.AccessScopeParameters{Type: mr.Str("cluster")},
		},
	}}
	return c.s.Add(policyComp, assoc, c.labels(policyComp))
}

// adminComponents are the composition resource names of the admin access
// entry and its policy association. provider-aws v1.23.0 identifies both by
// the principal (external names templated from cluster and principal,
// config/externalname.go), so another principal is another AWS resource:
// under the same managed resource the old entry would stay in AWS, still
// admin. A new principal gets new names, and Crossplane deletes the old
// resources. The names stay while the principal does (an entry observed
// with it keeps its name), and the plain names are used whenever free.
func (c *cluster) adminComponents() (entry, policy string) {
	want := c.p.AdminPrincipalARN
	keyed := naming.KeyedComponent(compAdminEntry, want)
	for _, e := range []string{compAdminEntry, keyed} {
		if c.s.ObservedString(e, "spec.forProvider.principalArn") == want {
			return e, compAdminPolicy + strings.TrimPrefix(e, compAdminEntry)
		}
	}
	if !c.s.ObservedExists(compAdminEntry) {
		return compAdminEntry, compAdminPolicy
	}
	return keyed, compAdminPolicy + strings.TrimPrefix(keyed, compAdminEntry)
}

// strs converts to the []*string provider structs take.
func strs(in []string) []*string {
	out := make([]*string, len(in))
	for i := range in {
		out[i] = mr.Str(in[i])
	}
	return out
}
