package cluster

import (
	"github.com/crossplane/function-sdk-go/resource"

	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

// clusterUsageAPIVersion and clusterUsageKind are Crossplane's cluster-scoped
// Usage (protection.crossplane.io/v1beta1 in the core CRDs of v2.2.1 and
// v2.4.0); the roles and the cluster are cluster-scoped.
const (
	clusterUsageAPIVersion = "protection.crossplane.io/v1beta1"
	clusterUsageKind       = "ClusterUsage"
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

// usages keep the roles and their attachments until the EKS cluster is gone
// (the cluster is enough as the user: AWS refuses to delete it while it has
// node groups, ResourceInUseException, so it outlives them), and what the
// EBS CSI controller runs with until its add-on is gone.
func (c *cluster) usages() error {
	if !c.composed {
		return nil
	}
	for _, of := range c.rolePermissions() {
		if err := c.usage(of, compCluster); err != nil {
			return err
		}
	}
	if _, ok := c.s.Desired()[resource.Name(addonComponent(addonEBSCSI))]; !ok {
		return nil
	}
	for _, of := range c.ebsCSIDependencies() {
		if err := c.usage(of, addonComponent(addonEBSCSI)); err != nil {
			return err
		}
	}
	return nil
}

// usage composes a ClusterUsage: of may not be deleted while by exists.
func (c *cluster) usage(of, by string) error {
	comp := naming.UsageComponent(of, by)
	u := map[string]any{
		"apiVersion": clusterUsageAPIVersion,
		"kind":       clusterUsageKind,
		"spec":       map[string]any{"of": c.usageRef(of), "by": c.usageRef(by), "replayDeletion": true},
	}
	return c.s.AddUnstructured(comp, u, c.labels(comp))
}

// usageRef selects a resource of the layer by its component.
func (c *cluster) usageRef(comp string) map[string]any {
	d := c.s.Desired()[resource.Name(comp)].Resource
	return map[string]any{
		"apiVersion": d.GetAPIVersion(),
		"kind":       d.GetKind(),
		"resourceSelector": map[string]any{
			"matchControllerRef": true,
			"matchLabels":        map[string]any{naming.LabelComponent: comp},
		},
	}
}
