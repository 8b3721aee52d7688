package cluster

import (
	eks "github.com/upbound/provider-aws/apis/eks/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

// Managed add-on names.
const (
	addonVPCCNI    = "vpc-cni"
	addonKubeProxy = "kube-proxy"
	addonCoreDNS   = "coredns"
	addonEBSCSI    = "aws-ebs-csi-driver"
)

func addonComponent(name string) string { return "addon-" + name }

// addons composes the EKS managed add-ons. No version is pinned: EKS picks
// the default version for the cluster's Kubernetes version, and takes over
// the self-managed copies it installed at creation (OVERWRITE on create);
// later changes made in the cluster are kept (PRESERVE on update).
//
// vpc-cni and kube-proxy come with the cluster. CoreDNS and the EBS CSI
// driver run pods, so they wait for the general node group; the EBS CSI
// driver also waits for its IRSA role, which waits for the OIDC provider.
func (c *cluster) addons() error {
	if !c.composed {
		return nil
	}
	if err := c.addon(addonVPCCNI, ""); err != nil {
		return err
	}
	if err := c.addon(addonKubeProxy, ""); err != nil {
		return err
	}
	if !c.clusterReady() || !c.generalReady() {
		return nil
	}
	if err := c.addon(addonCoreDNS, ""); err != nil {
		return err
	}
	if !c.irsaReady() {
		return nil
	}
	return c.addon(addonEBSCSI, irsaComponent(saEBSCSI))
}

// addon composes one managed add-on; role, if set, is the composition
// resource name of the IRSA role its service account uses.
func (c *cluster) addon(name, role string) error {
	o := c.p.Owner
	p := eks.AddonParameters{
		Region:                   mr.Str(o.Region),
		AddonName:                mr.Str(name),
		ClusterNameSelector:      mr.Local(compCluster),
		ResolveConflictsOnCreate: mr.Str("OVERWRITE"),
		ResolveConflictsOnUpdate: mr.Str("PRESERVE"),
		Tags:                     c.tags(naming.AWSName(o, name)),
	}
	if role != "" {
		p.ServiceAccountRoleArnSelector = mr.Local(role)
	}
	a := &eks.Addon{Spec: eks.AddonSpec{ResourceSpec: mr.Spec(o), ForProvider: p}}
	return c.s.Add(addonComponent(name), a, c.labels(addonComponent(name)))
}
