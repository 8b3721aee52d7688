package preset

import (
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// ClusterName is the EKS cluster name of an environment (naming.ClusterName:
// unique per claim, docs/naming.md).
func ClusterName(o v1alpha1.Owner) string { return naming.ClusterName(o) }

// Owner resolves the identity block every nested layer carries.
func Owner(environmentID string, p v1alpha1.EnvironmentParameters) v1alpha1.Owner {
	return v1alpha1.Owner{
		EnvironmentID:      environmentID,
		Environment:        p.Environment,
		Region:             or(p.Region, DefaultRegion),
		ProviderConfigName: or(p.ProviderConfigName, DefaultProviderConfigName),
	}
}

// Network resolves the network layer's parameters: claim override, else
// preset, else package default.
func ResolveNetwork(owner v1alpha1.Owner, pre Preset, o *v1alpha1.NetworkOverrides) v1alpha1.NetworkParameters {
	if o == nil {
		o = &v1alpha1.NetworkOverrides{}
	}
	zones := o.AvailabilityZones
	if len(zones) == 0 {
		zones = DefaultZones
	}
	s3 := pre.Network.S3GatewayEndpoint
	if o.S3GatewayEndpoint != nil {
		s3 = *o.S3GatewayEndpoint
	}
	return v1alpha1.NetworkParameters{
		Owner:             owner,
		CIDR:              or(o.CIDR, DefaultCIDR),
		AvailabilityZones: append([]string(nil), zones...),
		NATGateways:       or(o.NATGateways, pre.Network.NATGateways),
		S3GatewayEndpoint: s3,
		ClusterName:       ClusterName(owner),
	}
}

// ResolveCluster resolves the cluster layer's parameters: claim override,
// else preset, else package default. It does not validate: the cluster layer
// validates what it is given (min <= desired <= max, versions, ARNs).
func ResolveCluster(owner v1alpha1.Owner, pre Preset, o *v1alpha1.ClusterOverrides) v1alpha1.ClusterParameters {
	if o == nil {
		o = &v1alpha1.ClusterOverrides{}
	}
	access := o.AdminPrincipalARN != ""
	if o.AccessEntries != nil {
		access = *o.AccessEntries
	}
	ngo := o.NodeGroups
	if ngo == nil {
		ngo = &v1alpha1.NodeGroupsOverrides{}
	}
	return v1alpha1.ClusterParameters{
		Owner:             owner,
		Name:              ClusterName(owner),
		Version:           or(o.Version, DefaultKubernetesVersion),
		SupportType:       or(o.SupportType, v1alpha1.SupportStandard),
		PublicAccessCIDRs: append([]string(nil), o.PublicAccessCIDRs...),
		LogRetentionDays:  pre.Cluster.LogRetentionDays,
		AdminPrincipalARN: o.AdminPrincipalARN,
		AccessEntries:     access,
		AppNamespace:      AppNamespace(owner.Environment),
		NodeGroups: []v1alpha1.NodeGroupParams{
			nodeGroup(v1alpha1.NodeGroupGeneral, pre.Cluster.General, ngo.General),
			nodeGroup(v1alpha1.NodeGroupCompute, pre.Cluster.Compute, ngo.Compute),
		},
	}
}

// AppNamespace is the namespace of the gokinjo workloads in the EKS cluster.
func AppNamespace(env string) string { return "gokinjo-" + env }

func nodeGroup(name string, pre NodeGroup, o *v1alpha1.NodeGroupOverrides) v1alpha1.NodeGroupParams {
	if o == nil {
		o = &v1alpha1.NodeGroupOverrides{}
	}
	return v1alpha1.NodeGroupParams{
		Name:         name,
		InstanceType: or(o.InstanceType, pre.InstanceType),
		MinSize:      orInt(o.MinSize, pre.MinSize),
		MaxSize:      orInt(o.MaxSize, pre.MaxSize),
		DesiredSize:  orInt(o.DesiredSize, pre.DesiredSize),
	}
}

func orInt(v *int, def int) int {
	if v != nil {
		return *v
	}
	return def
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}
