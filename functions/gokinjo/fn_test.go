package main

import (
	"context"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/durationpb"
)

// newRequest builds a request for an XR (JSON) with observed composed
// resources (composition resource name to JSON).
func newRequest(xr string, observed map[string]string) *fnv1.RunFunctionRequest {
	req := &fnv1.RunFunctionRequest{
		Meta:     &fnv1.RequestMeta{Tag: "t"},
		Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: resource.MustStructJSON(xr)}, Resources: map[string]*fnv1.Resource{}},
		Desired:  &fnv1.State{},
	}
	for name, o := range observed {
		req.Observed.Resources[name] = &fnv1.Resource{Resource: resource.MustStructJSON(o)}
	}
	return req
}

const networkXR = `{
	"apiVersion": "platform.gokinjo.io/v1alpha1", "kind": "XNetwork", "metadata": {"name": "net"},
	"spec": {"parameters": {"environmentId": "gokinjo-abcde", "environment": "dev", "region": "ap-northeast-1",
		"providerConfigName": "default", "cidr": "10.0.0.0/16",
		"availabilityZones": ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
		"natGateways": "Single", "s3GatewayEndpoint": true, "clusterName": "gokinjo-dev"}}}`

func TestRunFunctionRefuses(t *testing.T) {
	type want struct {
		severity fnv1.Severity
		message  string
	}
	cases := map[string]struct {
		reason   string
		xr       string
		observed map[string]string
		want     want
	}{
		"UnknownKind": {
			reason: "An XR of a kind no layer composes is refused, naming the kind.",
			xr:     `{"apiVersion": "example.org/v1", "kind": "XBucket", "metadata": {"name": "b"}, "spec": {}}`,
			want:   want{fnv1.Severity_SEVERITY_FATAL, `function-gokinjo does not compose example.org/v1/XBucket "b"`},
		},
		"UnknownEnvironment": {
			reason: "An environment without a preset is refused with the accepted values.",
			xr:     `{"apiVersion": "platform.gokinjo.io/v1alpha1", "kind": "XEnvironment", "metadata": {"name": "e"}, "spec": {"parameters": {"environment": "qa"}}}`,
			want:   want{fnv1.Severity_SEVERITY_FATAL, `unknown environment "qa": use one of dev, staging, prod`},
		},
		"PublicCIDR": {
			reason: "A public VPC range gets past no admission check it skipped: the function refuses it too.",
			xr:     `{"apiVersion": "platform.gokinjo.io/v1alpha1", "kind": "XEnvironment", "metadata": {"name": "e"}, "spec": {"parameters": {"environment": "dev", "network": {"cidr": "8.8.0.0/16"}}}}`,
			want:   want{fnv1.Severity_SEVERITY_FATAL, `spec.parameters.network.cidr: Invalid value: "8.8.0.0/16": not in a private range`},
		},
		"ZoneOutsideRegion": {
			reason: "A zone of another region is refused, naming the field.",
			xr:     `{"apiVersion": "platform.gokinjo.io/v1alpha1", "kind": "XEnvironment", "metadata": {"name": "e"}, "spec": {"parameters": {"environment": "dev", "network": {"availabilityZones": ["us-east-1a", "ap-northeast-1c"]}}}}`,
			want:   want{fnv1.Severity_SEVERITY_FATAL, `spec.parameters.network.availabilityZones[0]: Invalid value: "us-east-1a": not a zone of region ap-northeast-1`},
		},
		"DuplicateZone": {
			reason: "A zone listed twice is refused.",
			xr:     `{"apiVersion": "platform.gokinjo.io/v1alpha1", "kind": "XEnvironment", "metadata": {"name": "e"}, "spec": {"parameters": {"environment": "dev", "network": {"availabilityZones": ["ap-northeast-1a", "ap-northeast-1a"]}}}}`,
			want:   want{fnv1.Severity_SEVERITY_FATAL, `spec.parameters.network.availabilityZones[1]: Duplicate value: "ap-northeast-1a"`},
		},
		"OneZone": {
			reason: "One zone is not enough for subnets RDS and EKS accept.",
			xr:     `{"apiVersion": "platform.gokinjo.io/v1alpha1", "kind": "XEnvironment", "metadata": {"name": "e"}, "spec": {"parameters": {"environment": "dev", "network": {"availabilityZones": ["ap-northeast-1a"]}}}}`,
			want:   want{fnv1.Severity_SEVERITY_FATAL, `need 2 to 3 zones, got 1`},
		},
		"OtherRegionWithoutZones": {
			reason: "Another region needs its zones named; the defaults are Tokyo's.",
			xr:     `{"apiVersion": "platform.gokinjo.io/v1alpha1", "kind": "XEnvironment", "metadata": {"name": "e"}, "spec": {"parameters": {"environment": "dev", "region": "us-east-1"}}}`,
			want:   want{fnv1.Severity_SEVERITY_FATAL, `none is a zone of region us-east-1: list the region's zones, use us-east-1a`},
		},
		"NetworkBadNAT": {
			reason: "A hand-made XNetwork with an unknown NAT mode is refused.",
			xr:     strings.Replace(networkXR, `"Single"`, `"Many"`, 1),
			want:   want{fnv1.Severity_SEVERITY_FATAL, `spec.parameters.natGateways: Unsupported value: "Many": supported values: "Single", "OnePerAZ"`},
		},
	}
	f := NewFunction(logging.NewNopLogger())
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rsp, err := f.RunFunction(context.Background(), newRequest(tc.xr, tc.observed))
			if err != nil {
				t.Fatalf("%s\nRunFunction(): unexpected error %v", tc.reason, err)
			}
			if len(rsp.GetResults()) != 1 {
				t.Fatalf("%s\nwant one result, got %v", tc.reason, rsp.GetResults())
			}
			r := rsp.GetResults()[0]
			if r.GetSeverity() != tc.want.severity || !strings.Contains(r.GetMessage(), tc.want.message) {
				t.Errorf("%s\nwant %v containing %q, got %v %q", tc.reason, tc.want.severity, tc.want.message, r.GetSeverity(), r.GetMessage())
			}
			if n := len(rsp.GetDesired().GetResources()); n != 0 {
				t.Errorf("%s\na refused request must desire nothing, got %d resources", tc.reason, n)
			}
		})
	}
}

func TestRunFunctionNetwork(t *testing.T) {
	f := NewFunction(logging.NewNopLogger())
	cases := map[string]struct {
		reason string
		xr     string
		want   map[string]int
	}{
		"SingleNAT": {
			reason: "dev's Single NAT mode: one EIP, three private route tables routing to its NAT gateway, which waits for the internet gateway (nothing is observed yet).",
			xr:     networkXR,
			want: map[string]int{"VPC": 1, "InternetGateway": 1, "Subnet": 9, "EIP": 1, "RouteTable": 5,
				"Route": 4, "RouteTableAssociation": 9, "VPCEndpoint": 1, "VPCEndpointRouteTableAssociation": 4},
		},
		"OnePerAZ": {
			reason: "prod: an EIP (and, once the internet gateway is ready, a NAT gateway) in every zone.",
			xr:     strings.Replace(networkXR, `"Single"`, `"OnePerAZ"`, 1),
			want: map[string]int{"VPC": 1, "InternetGateway": 1, "Subnet": 9, "EIP": 3, "RouteTable": 5,
				"Route": 4, "RouteTableAssociation": 9, "VPCEndpoint": 1, "VPCEndpointRouteTableAssociation": 4},
		},
		"NoEndpoint": {
			reason: "The S3 gateway endpoint can be turned off.",
			xr:     strings.Replace(networkXR, `"s3GatewayEndpoint": true`, `"s3GatewayEndpoint": false`, 1),
			want: map[string]int{"VPC": 1, "InternetGateway": 1, "Subnet": 9, "EIP": 1, "RouteTable": 5,
				"Route": 4, "RouteTableAssociation": 9},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rsp, err := f.RunFunction(context.Background(), newRequest(tc.xr, nil))
			if err != nil {
				t.Fatal(err)
			}
			if len(rsp.GetResults()) != 0 {
				t.Fatalf("%s\nunexpected results %v", tc.reason, rsp.GetResults())
			}
			got := map[string]int{}
			for _, r := range rsp.GetDesired().GetResources() {
				got[r.GetResource().AsMap()["kind"].(string)]++
				if r.GetReady() != fnv1.Ready_READY_FALSE {
					t.Errorf("%s\nnothing is observed, so nothing may be ready", tc.reason)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nkinds: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(durationpb.New(responseTTL), rsp.GetMeta().GetTtl(), protocmp.Transform()); diff != "" {
				t.Errorf("ttl: %s", diff)
			}
		})
	}
}

// TestRunFunctionSameClaim plays Crossplane's requirements protocol for an
// XEnvironment whose claim was deleted and applied again while its old XR is
// still being deleted: the first call asks for the claim's resources, the
// second, given them, composes nothing and says why on the XR and claim.
func TestRunFunctionSameClaim(t *testing.T) {
	xr := `{"apiVersion": "platform.gokinjo.io/v1alpha1", "kind": "XEnvironment",
		"metadata": {"name": "gokinjo-new12", "creationTimestamp": "2026-12-01T10:00:05Z",
			"labels": {"crossplane.io/claim-namespace": "team-a", "crossplane.io/claim-name": "gokinjo"}},
		"spec": {"parameters": {"environment": "dev"}}}`
	oldCluster := `{"apiVersion": "eks.aws.upbound.io/v1beta1", "kind": "Cluster",
		"metadata": {"name": "gokinjo-old34-x1-c9", "deletionTimestamp": "2026-12-01T10:00:03Z",
			"labels": {"crossplane.io/claim-namespace": "team-a", "crossplane.io/claim-name": "gokinjo", "platform.gokinjo.io/environment-id": "gokinjo-old34"}}}`
	f := NewFunction(logging.NewNopLogger())

	req := newRequest(xr, nil)
	// Crossplane sends each call over gRPC: the function's answer never
	// changes the request it sends again.
	first, err := f.RunFunction(context.Background(), proto.Clone(req).(*fnv1.RunFunctionRequest))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(first.GetDesired().GetResources()); n != 0 {
		t.Errorf("first call: nothing may be composed before the claim's resources are known, got %d", n)
	}
	asked := first.GetRequirements().GetResources()
	if sel := asked["claim:Cluster.eks.aws.upbound.io"]; sel.GetApiVersion() != "eks.aws.upbound.io/v1beta1" || sel.GetMatchLabels().GetLabels()["crossplane.io/claim-name"] != "gokinjo" || sel.GetMatchLabels().GetLabels()["crossplane.io/claim-namespace"] != "team-a" {
		t.Fatalf("first call: want a requirement for the claim's EKS clusters, got %v", asked)
	}

	// What Crossplane fetched: the old XR's cluster, still being deleted;
	// nothing of the other kinds.
	req.RequiredResources = map[string]*fnv1.Resources{}
	for name := range asked {
		req.RequiredResources[name] = &fnv1.Resources{}
	}
	req.RequiredResources["claim:Cluster.eks.aws.upbound.io"] = &fnv1.Resources{Items: []*fnv1.Resource{{Resource: resource.MustStructJSON(oldCluster)}}}
	second, err := f.RunFunction(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first.GetRequirements(), second.GetRequirements(), protocmp.Transform()); diff != "" {
		t.Errorf("the requirements must be stable for Crossplane to stop calling (-first +second):\n%s", diff)
	}
	if n := len(second.GetDesired().GetResources()); n != 0 {
		t.Errorf("while the old XR's resources exist the new XR must compose nothing, got %d resources", n)
	}
	if second.GetDesired().GetComposite().GetReady() != fnv1.Ready_READY_FALSE {
		t.Errorf("the XR must not be ready while it composes nothing, got %v", second.GetDesired().GetComposite().GetReady())
	}
	var msg string
	for _, c := range second.GetConditions() {
		if c.GetType() == "ResourcesReady" && c.GetTarget() == fnv1.Target_TARGET_COMPOSITE_AND_CLAIM {
			msg = c.GetMessage()
		}
	}
	if !strings.Contains(msg, `waiting for 1 resource of XEnvironment "gokinjo-old34" of the same claim team-a/gokinjo to be deleted (Cluster "gokinjo-old34-x1-c9" among them)`) {
		t.Errorf("the claim must say what it waits for, got ResourcesReady %q", msg)
	}
}
