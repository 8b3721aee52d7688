package cluster

import (
	"fmt"
	"strconv"

	ec2 "github.com/upbound/provider-aws/apis/ec2/v1beta1"
	eks "github.com/upbound/provider-aws/apis/eks/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

func launchTemplateComponent(nodeGroup string) string { return "launch-template-" + nodeGroup }

// launchTemplates composes a launch template per node group, on the first
// reconcile (it needs nothing observed), so the node groups find its id and
// version when they are composed with the cluster.
//
// EKS does not copy a node group's tags to the instances, volumes and
// network interfaces it launches (aws/containers-roadmap#608): without a
// template the node spend, most of an environment's bill, carries no cost
// allocation tag and the budget never sees it. The template's tag
// specifications tag them at launch. It holds only that plus the disk and
// metadata options EKS gives a node group without a template
// (facts.EKS.NodeLaunchTemplate): instance type and AMI type stay on the node
// group, and nothing EKS refuses in a managed node group's template
// (instance profile, subnets, shutdown behaviour) is set.
//
// A node group that exists without a template gets none: EKS cannot add one
// to an existing node group (the provider would replace it), so it keeps
// being composed as it was.
func (c *cluster) launchTemplates() error {
	for _, ng := range c.p.NodeGroups {
		legacy, _, err := c.withoutLaunchTemplate(ng)
		if err != nil {
			return err
		}
		if legacy {
			continue
		}
		comp := launchTemplateComponent(ng.Name)
		if err := c.s.Add(comp, c.launchTemplate(naming.AWSName(c.p.Owner, ng.Name)), c.labels(comp)); err != nil {
			return err
		}
	}
	return nil
}

// withoutLaunchTemplate reports whether the node group exists without a
// launch template, and returns the launchTemplate block it was observed with.
func (c *cluster) withoutLaunchTemplate(ng v1alpha1.NodeGroupParams) (bool, []eks.LaunchTemplateParameters, error) {
	comp := nodeGroupComponent(ng.Name)
	var observed []eks.LaunchTemplateParameters
	if _, err := c.s.ObservedInto(comp, "spec.forProvider.launchTemplate", &observed); err != nil {
		return false, nil, err
	}
	return c.s.ObservedExists(comp) && len(observed) == 0, observed, nil
}

// nodeLaunchTemplate returns the node group's launchTemplate block: its
// template's observed id and latest version. EKS takes a version number, not
// $Latest or $Default, and a new template version (a tag change) then rolls
// the nodes in place. ok is false while a new node group waits for them; a
// node group that exists without a template gets no block (ok true).
func (c *cluster) nodeLaunchTemplate(ng v1alpha1.NodeGroupParams) (lt []eks.LaunchTemplateParameters, ok bool, err error) {
	legacy, observed, err := c.withoutLaunchTemplate(ng)
	if err != nil || legacy {
		return nil, err == nil, err
	}
	comp, ltComp := nodeGroupComponent(ng.Name), launchTemplateComponent(ng.Name)
	id := c.s.ObservedString(ltComp, "status.atProvider.id")
	var latest float64
	if _, err := c.s.ObservedInto(ltComp, "status.atProvider.latestVersion", &latest); err != nil {
		return nil, false, err
	}
	if id != "" && latest >= 1 {
		return []eks.LaunchTemplateParameters{{
			ID:      mr.Str(id),
			Version: mr.Str(strconv.FormatFloat(latest, 'f', -1, 64)),
		}}, true, nil
	}
	// An existing node group keeps the template it was created with while
	// the template's status is not observed (its id only: id and name
	// conflict, and the provider may have late-initialized the name).
	if len(observed) == 1 && observed[0].ID != nil && observed[0].Version != nil {
		return []eks.LaunchTemplateParameters{{ID: observed[0].ID, Version: observed[0].Version}}, true, nil
	}
	if !c.s.StickyFor(comp, ltComp+" id and latest version", false) {
		return nil, false, nil
	}
	return nil, false, fmt.Errorf("node group %s exists, but neither it nor its launch template %s reports the template's id and version", ng.Name, ltComp)
}

// launchTemplate is the launch template of the node group named name.
func (c *cluster) launchTemplate(name string) *ec2.LaunchTemplate {
	f := facts.EKS.NodeLaunchTemplate
	var specs []ec2.TagSpecificationsParameters
	for _, rt := range f.TagResourceTypes {
		specs = append(specs, ec2.TagSpecificationsParameters{ResourceType: mr.Str(rt), Tags: c.tags(name)})
	}
	return &ec2.LaunchTemplate{Spec: ec2.LaunchTemplateSpec{
		ResourceSpec: mr.Spec(c.p.Owner),
		ForProvider: ec2.LaunchTemplateParameters_2{
			Region:               mr.Str(c.p.Owner.Region),
			Name:                 mr.Str(name),
			Description:          mr.Str("Nodes of EKS managed node group " + name + ": cost allocation tags at launch"),
			UpdateDefaultVersion: mr.Bool(true),
			BlockDeviceMappings: []ec2.BlockDeviceMappingsParameters{{
				DeviceName: mr.Str(f.RootDeviceName),
				EBS: []ec2.EBSParameters{{
					VolumeSize:          mr.Float(float64(f.RootVolumeGiB)),
					VolumeType:          mr.Str(f.RootVolumeType),
					DeleteOnTermination: mr.Str("true"),
					// Encrypted at rest with the account's default EBS key
					// (aws/ebs), whatever the account's encryption-by-default
					// setting, which is off unless someone turned it on.
					Encrypted: mr.Str("true"),
				}},
			}},
			MetadataOptions: []ec2.LaunchTemplateMetadataOptionsParameters{{
				HTTPEndpoint:            mr.Str("enabled"),
				HTTPTokens:              mr.Str("required"),
				HTTPPutResponseHopLimit: mr.Float(float64(f.MetadataHopLimit)),
			}},
			TagSpecifications: specs,
			Tags:              c.tags(name),
		},
	}}
}
