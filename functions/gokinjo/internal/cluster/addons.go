package cluster

import (
	eks "github.com/upbound/provider-aws/apis/eks/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/internal/facts"
)

// Managed add-on names.
const (
	addonVPCCNI    = "vpc-cni"
	addonKubeProxy = "kube-proxy"
	addonCoreDNS   = "coredns"
	addonEBSCSI    = "aws-ebs-csi-driver"
)

func addonComponent(name string) string { return "addon-" + name }

// configurationValues of the add-ons that need more than the defaults:
// vpc-cni enforces NetworkPolicies (off by default, so the workloads layer's
// default-deny would do nothing); the EBS CSI driver creates the default
// StorageClass (EKS 1.30+ clusters have none, so volume claims would wait
// forever). Keys as the add-ons' configuration schemas spell them (facts:
// eks.yaml sources).
var addonConfig = map[string]string{
	addonVPCCNI: `{"enableNetworkPolicy":"true"}`,
	addonEBSCSI: `{"defaultStorageClass":{"enabled":true}}`,
}

// addons composes the EKS managed add-ons, at the version the EKS facts give
// for the data plane's Kubernetes minor (so an upgrade moves them with the
// nodes); an add-on the facts leave out gets EKS's default for the minor.
// EKS takes over the self-managed copies it installed at creation (OVERWRITE
// on create); later changes made in the cluster are kept (PRESERVE on update).
//
// vpc-cni and kube-proxy come with the cluster. CoreDNS and the EBS CSI
// driver run pods, so they wait for the general node group; the EBS CSI
// driver also waits for its IRSA role, which waits for the OIDC provider.
func (c *cluster) addons() error {
	if !c.composed {
		c.s.Wait(addonComponent(addonCoreDNS))
		c.s.Wait(addonComponent(addonEBSCSI))
		return nil
	}
	if err := c.addon(addonVPCCNI, ""); err != nil {
		return err
	}
	if err := c.addon(addonKubeProxy, ""); err != nil {
		return err
	}
	if !c.clusterReady() || !c.generalReady() {
		c.s.Wait(addonComponent(addonCoreDNS))
		c.s.Wait(addonComponent(addonEBSCSI))
		return nil
	}
	if err := c.addon(addonCoreDNS, ""); err != nil {
		return err
	}
	if !c.irsaReady() {
		c.s.Wait(addonComponent(addonEBSCSI))
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
	if k, ok := facts.EKS.Version(c.dataPlaneVersion()); ok && k.Addons[name] != "" {
		p.AddonVersion = mr.Str(k.Addons[name])
	}
	if cfg, ok := addonConfig[name]; ok {
		p.ConfigurationValues = mr.Str(cfg)
	}
	a := &eks.Addon{Spec: eks.AddonSpec{ResourceSpec: mr.Spec(o), ForProvider: p}}
	return c.s.Add(addonComponent(name), a, c.labels(addonComponent(name)))
}
