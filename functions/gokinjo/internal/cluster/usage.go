package cluster

import (
	"github.com/crossplane/function-sdk-go/resource"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// rolePermissions are the roles EKS acts with while it deletes a node group
// (the instances, their network interfaces) or the cluster (its network
// interfaces and security group), with their managed policy attachments:
// deleted first, EKS cannot clean up and the deletion fails or leaves them
// behind (Terraform's aws_eks_cluster and aws_eks_node_group docs). The
// roles are kept too, not only the attachments: deleting an IAM role
// through the provider detaches its managed policies itself (Terraform's
// aws_iam_role delete does when its state lists managed_policy_arns).
func (c *cluster) rolePermissions() []string {
	var out []string
	for _, r := range []struct {
		role     string
		policies []string
	}{{compClusterRole, clusterPolicies}, {compNodeRole, nodePolicies}} {
		out = append(out, r.role)
		for _, p := range r.policies {
			out = append(out, r.role+"-"+policyComponent(p))
		}
	}
	return out
}

// ebsCSIDependencies are what the EBS CSI controller runs with: its pods
// (the node groups), its IRSA role and policy, and the OIDC provider the
// role trusts. The workloads layer keeps the add-on until what has volumes
// is gone; these keep the controller working until the add-on is gone.
func (c *cluster) ebsCSIDependencies() []string {
	out := []string{compOIDCProvider}
	for _, ng := range c.p.NodeGroups {
		out = append(out, nodeGroupComponent(ng.Name))
	}
	for _, sa := range c.serviceAccounts() {
		if sa.key != saEBSCSI {
			continue
		}
		out = append(out, irsaComponent(sa.key))
		for _, p := range sa.managed {
			out = append(out, irsaComponent(sa.key)+"-"+policyComponent(p))
		}
	}
	return out
}

// clusterDependencies are what the controllers and providers working on the
// cluster need until it is gone, kept by the EKS cluster (which outlives
// every Release and namespace the workloads layer composes, by their own
// Usages): the ClusterAuth, whose connection Secret is the kubeconfig
// provider-kubernetes and provider-helm delete through (the ProviderConfigs
// themselves are kept by the providers while in use), each node group's
// launch template (EKS launches replacement nodes from it), and the
// control-plane log group: EKS logs until the cluster is gone and would
// create a deleted group again, without retention or tags (logs.go).
func (c *cluster) clusterDependencies() []string {
	out := []string{compClusterAuth, compLogGroup}
	for _, ng := range c.p.NodeGroups {
		out = append(out, launchTemplateComponent(ng.Name))
	}
	return out
}

// usages keep the roles and their attachments until the EKS cluster is gone
// (the cluster is enough as the user: AWS refuses to delete it while it has
// node groups, ResourceInUseException, so it outlives them), what the
// cluster's controllers and providers need (clusterDependencies) and the
// environment's network (the controllers reach the AWS APIs through its NAT
// gateways: the network has no interface endpoints) likewise, and what the
// EBS CSI controller runs with until its add-on is gone. A component not
// composed (yet) gets no Usage.
func (c *cluster) usages() error {
	if !c.composed {
		return nil
	}
	for _, of := range append(c.rolePermissions(), c.clusterDependencies()...) {
		if err := c.usage(of, compCluster); err != nil {
			return err
		}
	}
	if c.desired(compCluster) {
		network := mr.EnvironmentRef(v1alpha1.APIVersion, v1alpha1.KindNetwork, c.p.EnvironmentID, nil)
		comp := naming.UsageComponent("network", compCluster)
		if err := c.s.AddUnstructured(comp, mr.ClusterUsage(network, c.usageRef(compCluster)), c.labels(comp)); err != nil {
			return err
		}
	}
	if !c.desired(addonComponent(addonEBSCSI)) {
		return nil
	}
	for _, of := range c.ebsCSIDependencies() {
		if err := c.usage(of, addonComponent(addonEBSCSI)); err != nil {
			return err
		}
	}
	return nil
}

func (c *cluster) desired(comp string) bool {
	_, ok := c.s.Desired()[resource.Name(comp)]
	return ok
}

// usage composes a ClusterUsage: of may not be deleted while by exists.
func (c *cluster) usage(of, by string) error {
	if !c.desired(of) || !c.desired(by) {
		return nil
	}
	comp := naming.UsageComponent(of, by)
	return c.s.AddUnstructured(comp, mr.ClusterUsage(c.usageRef(of), c.usageRef(by)), c.labels(comp))
}

// usageRef selects a resource of the layer by its component.
func (c *cluster) usageRef(comp string) map[string]any {
	d := c.s.Desired()[resource.Name(comp)].Resource
	return mr.LocalRef(d.GetAPIVersion(), d.GetKind(), comp)
}
