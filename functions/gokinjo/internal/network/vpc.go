package network

import (
	ec2 "github.com/upbound/provider-aws/apis/ec2/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cidrplan"
	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Component names, which are also the composition resource names.
const (
	compVPC = "vpc"
	compIGW = "internet-gateway"
)

func subnetComponent(tier, zone string) string {
	return "subnet-" + tier + "-" + naming.ZoneSuffix(zone)
}

// vpc composes the VPC and its internet gateway. DNS support and hostnames
// are on: EKS nodes and the S3 endpoint need them.
func (n *network) vpc() error {
	o := n.p.Owner
	vpc := &ec2.VPC{Spec: ec2.VPCSpec{
		ResourceSpec: n.spec(true),
		ForProvider: ec2.VPCParameters_2{
			Region:             mr.Str(o.Region),
			CidrBlock:          mr.Str(n.p.CIDR),
			EnableDNSHostnames: mr.Bool(true),
			EnableDNSSupport:   mr.Bool(true),
			Tags:               naming.Tags(o, LayerName, naming.AWSName(o, "vpc")),
		},
	}}
	if err := n.s.Add(compVPC, vpc, n.labels(compVPC)); err != nil {
		return err
	}
	igw := &ec2.InternetGateway{Spec: ec2.InternetGatewaySpec{
		ResourceSpec: mr.Spec(o),
		ForProvider: ec2.InternetGatewayParameters_2{
			Region:        mr.Str(o.Region),
			VPCIDSelector: mr.Local(compVPC),
			Tags:          naming.Tags(o, LayerName, naming.AWSName(o, "igw")),
		},
	}}
	return n.s.Add(compIGW, igw, n.labels(compIGW))
}

// subnetResources composes every planned subnet. Public and private subnets
// carry the tags the AWS Load Balancer Controller discovers them by.
func (n *network) subnetResources() error {
	o := n.p.Owner
	for _, sn := range n.subnets {
		comp := subnetComponent(sn.Tier, sn.Zone)
		subnet := &ec2.Subnet{Spec: ec2.SubnetSpec{
			ResourceSpec: n.spec(sn.Tier == v1alpha1.TierDatabase),
			ForProvider: ec2.SubnetParameters_2{
				Region:              mr.Str(o.Region),
				AvailabilityZone:    mr.Str(sn.Zone),
				CidrBlock:           mr.Str(sn.CIDR.String()),
				MapPublicIPOnLaunch: mr.Bool(false),
				VPCIDSelector:       mr.Local(compVPC),
				Tags:                naming.Tags(o, LayerName, naming.AWSName(o, sn.Tier, naming.ZoneSuffix(sn.Zone)), n.subnetTags(sn)),
			},
		}}
		l := n.labels(comp, naming.LabelTier, sn.Tier, naming.LabelZone, sn.Zone)
		if err := n.s.Add(comp, subnet, l); err != nil {
			return err
		}
	}
	return nil
}

func (n *network) subnetTags(sn cidrplan.Subnet) map[string]string {
	cluster := "kubernetes.io/cluster/" + n.p.ClusterName
	switch sn.Tier {
	case v1alpha1.TierPublic:
		return map[string]string{"kubernetes.io/role/elb": "1", cluster: "shared"}
	case v1alpha1.TierPrivate:
		return map[string]string{"kubernetes.io/role/internal-elb": "1", cluster: "shared"}
	default:
		return nil
	}
}
