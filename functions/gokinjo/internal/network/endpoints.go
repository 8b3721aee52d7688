package network

import (
	ec2 "github.com/upbound/provider-aws/apis/ec2/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

const compS3Endpoint = "vpc-endpoint-s3"

// s3Endpoint composes a gateway endpoint for S3 on the private and database
// route tables: data-lake traffic stays inside AWS and costs no NAT
// processing fee. Gateway endpoints for S3 are free.
func (n *network) s3Endpoint() error {
	if !n.p.S3GatewayEndpoint {
		return nil
	}
	o := n.p.Owner
	ep := &ec2.VPCEndpoint{Spec: ec2.VPCEndpointSpec{
		ResourceSpec: mr.Spec(o),
		ForProvider: ec2.VPCEndpointParameters_2{
			Region:          mr.Str(o.Region),
			ServiceName:     mr.Str("com.amazonaws." + o.Region + ".s3"),
			VPCEndpointType: mr.Str("Gateway"),
			VPCIDSelector:   mr.Local(compVPC),
			Tags:            naming.Tags(o, LayerName, naming.AWSName(o, "s3-endpoint")),
		},
	}}
	if err := n.s.Add(compS3Endpoint, ep, n.labels(compS3Endpoint)); err != nil {
		return err
	}
	tables := []string{compRTDatabase}
	for _, z := range n.p.AvailabilityZones {
		tables = append(tables, privateRTComponent(z))
	}
	for _, t := range tables {
		comp := compS3Endpoint + "-" + t
		a := &ec2.VPCEndpointRouteTableAssociation{Spec: ec2.VPCEndpointRouteTableAssociationSpec{
			ResourceSpec: mr.Spec(o),
			ForProvider: ec2.VPCEndpointRouteTableAssociationParameters{
				Region:                mr.Str(o.Region),
				VPCEndpointIDSelector: mr.Local(compS3Endpoint),
				RouteTableIDSelector:  mr.Local(t),
			},
		}}
		if err := n.s.Add(comp, a, n.labels(comp)); err != nil {
			return err
		}
	}
	return nil
}
