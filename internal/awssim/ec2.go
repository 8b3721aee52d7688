package awssim

import (
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func init() { // Registration of simulated kinds.
	ec2 := func(kind string) schema.GroupKind { return schema.GroupKind{Group: "ec2.aws.upbound.io", Kind: kind} }
	withARN := func(resource string) Filler {
		return func(u *unstructured.Unstructured, id string) {
			region, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "region")
			SetAtProvider(u, ARN("ec2", region, resource+"/"+id), "arn")
			SetAtProvider(u, AccountID, "ownerId")
		}
	}
	Register(ec2("VPC"), "vpc-", withARN("vpc"))
	Register(ec2("Subnet"), "subnet-", withARN("subnet"))
	Register(ec2("InternetGateway"), "igw-", withARN("internet-gateway"))
	Register(ec2("EIP"), "eipalloc-", func(u *unstructured.Unstructured, id string) {
		SetAtProvider(u, id, "allocationId")
		SetAtProvider(u, "203.0.113."+strconv.Itoa(int(Hash(id)[0])%250+1), "publicIp")
	})
	Register(ec2("NATGateway"), "nat-", nil)
	Register(ec2("RouteTable"), "rtb-", withARN("route-table"))
	Register(ec2("Route"), "r-", nil)
	Register(ec2("RouteTableAssociation"), "rtbassoc-", nil)
	Register(ec2("VPCEndpoint"), "vpce-", withARN("vpc-endpoint"))
	Register(ec2("VPCEndpointRouteTableAssociation"), "a-", nil)
	Register(ec2("SecurityGroup"), "sg-", withARN("security-group"))
	Register(ec2("SecurityGroupIngressRule"), "sgr-", nil)
	Register(ec2("SecurityGroupEgressRule"), "sgr-", nil)
	// A launch template's id is AWS's (lt-...); a new template has version 1.
	Register(ec2("LaunchTemplate"), "lt-", func(u *unstructured.Unstructured, id string) {
		withARN("launch-template")(u, id)
		SetAtProvider(u, 1, "latestVersion")
		SetAtProvider(u, 1, "defaultVersion")
	})
}
