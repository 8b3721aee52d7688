package cluster

import (
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// status reports the cluster's endpoints and ids as they are observed, and
// the node groups' configured ranges with their observed sizes.
func (c *cluster) status() v1alpha1.ClusterStatus {
	st := v1alpha1.ClusterStatus{
		Name:                   c.p.Name,
		Version:                c.p.Version,
		Endpoint:               c.s.ObservedString(compCluster, "status.atProvider.endpoint"),
		OIDCIssuer:             c.issuer(),
		ClusterSecurityGroupID: c.s.ObservedString(compCluster, "status.atProvider.vpcConfig[0].clusterSecurityGroupId"),
		KubeconfigSecret:       c.kubeconfigSecret(),
	}
	if c.s.ObservedExists(compKubernetesProvider) && c.s.ObservedExists(compHelmProvider) {
		st.ProviderConfigName = c.p.Name
	}
	for _, ng := range c.p.NodeGroups {
		comp := nodeGroupComponent(ng.Name)
		ns := v1alpha1.NodeGroupStatus{
			Name: ng.Name, InstanceType: ng.InstanceType, MinSize: ng.MinSize, MaxSize: ng.MaxSize,
			Status: c.s.ObservedString(comp, "status.atProvider.status"),
		}
		if d, ok := c.observedDesired(ng.Name); ok {
			ns.DesiredSize = &d
		}
		st.NodeGroups = append(st.NodeGroups, ns)
	}
	for _, sa := range c.serviceAccounts() {
		arn := c.s.ObservedString(irsaComponent(sa.key), "status.atProvider.arn")
		if arn == "" {
			continue
		}
		if st.ServiceAccountRoleARNs == nil {
			st.ServiceAccountRoleARNs = map[string]string{}
		}
		st.ServiceAccountRoleARNs[sa.namespace+"/"+sa.name] = arn
	}
	return st
}
