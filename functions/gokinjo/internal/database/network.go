package database

import (
	ec2 "github.com/upbound/provider-aws/apis/ec2/v1beta1"
	rds "github.com/upbound/provider-aws/apis/rds/v1beta1"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

const (
	compSubnetGroup   = "subnet-group"
	compSecurityGroup = "security-group"
	compIngress       = "security-group-ingress-eks"
	// PostgresPort is the port the instance listens on.
	PostgresPort = 5432
)

// subnetGroup composes the DB subnet group on the network layer's database
// subnets, found by the environment-id and tier labels.
func (d *database) subnetGroup() error {
	o := d.p.Owner
	name := naming.AWSName(o, "db")
	sg := &rds.SubnetGroup{Spec: rds.SubnetGroupSpec{
		ResourceSpec: d.spec(),
		ForProvider: rds.SubnetGroupParameters{
			Region:      mr.Str(o.Region),
			Description: mr.Str("gokinjo " + o.Environment + " database subnets"),
			SubnetIDSelector: mr.Env(o, map[string]string{
				naming.LabelLayer: "network",
				naming.LabelTier:  v1alpha1.TierDatabase,
			}),
			Tags: d.tags(name),
		},
	}}
	sg.SetAnnotations(map[string]string{meta.AnnotationKeyExternalName: name})
	return d.s.Add(compSubnetGroup, sg, d.labels(compSubnetGroup))
}

// securityGroup composes the instance's security group in the VPC. It has no
// CIDR ingress at all: the only way in is the rule for the EKS cluster
// security group, composed once that group's id is known.
func (d *database) securityGroup() error {
	o := d.p.Owner
	name := naming.AWSName(o, "db")
	sg := &ec2.SecurityGroup{Spec: ec2.SecurityGroupSpec{
		ResourceSpec: d.spec(),
		ForProvider: ec2.SecurityGroupParameters_2{
			Region:      mr.Str(o.Region),
			Name:        mr.Str(name),
			Description: mr.Str("gokinjo " + o.Environment + " PostgreSQL: 5432 from the EKS cluster only"),
			VPCIDSelector: mr.Env(o, map[string]string{
				naming.LabelLayer:     "network",
				naming.LabelComponent: "vpc",
			}),
			Tags: d.tags(name),
		},
	}}
	if err := d.s.Add(compSecurityGroup, sg, d.labels(compSecurityGroup)); err != nil {
		return err
	}
	client := d.p.ClientSecurityGroupID
	if client == "" {
		// Not passed this time (an XR restored without status, say): an
		// existing rule keeps the group it names, or the database would
		// refuse the cluster until the id is passed again.
		client = d.s.ObservedString(compIngress, "spec.forProvider.referencedSecurityGroupId")
	}
	if client == "" {
		return nil
	}
	// The rule is always deleted with the claim, even when the group is
	// orphaned: it references the EKS cluster security group, which AWS
	// cannot delete while another group's rule still references it.
	in := &ec2.SecurityGroupIngressRule{Spec: ec2.SecurityGroupIngressRuleSpec{
		ResourceSpec: mr.Spec(o),
		ForProvider: ec2.SecurityGroupIngressRuleParameters{
			Region:                    mr.Str(o.Region),
			Description:               mr.Str("PostgreSQL from the EKS cluster security group"),
			IPProtocol:                mr.Str("tcp"),
			FromPort:                  mr.Float(PostgresPort),
			ToPort:                    mr.Float(PostgresPort),
			ReferencedSecurityGroupID: mr.Str(client),
			SecurityGroupIDSelector:   mr.Local(compSecurityGroup),
			Tags:                      d.tags(naming.AWSName(o, "db-from-eks")),
		},
	}}
	return d.s.Add(compIngress, in, d.labels(compIngress))
}
