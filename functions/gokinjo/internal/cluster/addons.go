package cluster

import (
	"encoding/json"

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

// addonConfig is the configurationValues of the add-ons that need more than
// the defaults: vpc-cni enforces NetworkPolicies (off by default, so the
// workloads layer's default-deny would do nothing); the EBS CSI driver
// creates the default StorageClass (EKS 1.30+ clusters have none, so volume
// claims would wait forever) and tags the volumes it creates with the cost
// allocation tags (controller.extraVolumeTags; untagged, the apps' volumes
// escape the budget). Keys as the add-ons' configuration schemas spell them
// (facts: eks.yaml sources; extraVolumeTags: aws-ebs-csi-driver's chart
// values, which the add-on's schema follows).
func (c *cluster) addonConfig(name string) (string, error) {
	var cfg map[string]any
	switch name {
	case addonVPCCNI:
		cfg = map[string]any{"enableNetworkPolicy": "true"}
	case addonEBSCSI:
		cfg = map[string]any{
			"defaultStorageClass": map[string]any{"enabled": true},
			"controller":          map[string]any{"extraVolumeTags": naming.CostTags(c.p.Owner)},
		}
	default:
		return "", nil
	}
	b, err := json.Marshal(cfg)
	return string(b), err
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
	// EKS's DeleteAddon removes the add-on's software from the cluster
	// unless preserved: deleted with the environment, pod networking and DNS
	// would go at once, while the load balancer and EBS CSI controllers
	// still have an ALB and volumes to delete through the AWS APIs. The
	// cluster's own deletion removes them. The EBS CSI add-on is ordered by
	// Usages instead (the volumes' users keep it).
	if name != addonEBSCSI {
		p.Preserve = mr.Bool(true)
	}
	cfg, err := c.addonConfig(name)
	if err != nil {
		return err
	}
	if cfg != "" {
		p.ConfigurationValues = mr.Str(cfg)
	}
	a := &eks.Addon{Spec: eks.AddonSpec{ResourceSpec: mr.Spec(o), ForProvider: p}}
	return c.s.Add(addonComponent(name), a, c.labels(addonComponent(name)))
}
