package compose

import (
	"strings"
	"testing"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
)

func mr(apiVersion, kind string, forProvider map[string]any, annotations map[string]string) *composed.Unstructured {
	u := composed.New()
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetAnnotations(annotations)
	_ = u.SetValue("spec.forProvider", forProvider)
	return u
}

func TestGuardReplacement(t *testing.T) {
	cases := map[string]struct {
		reason   string
		observed *composed.Unstructured
		desired  *composed.Unstructured
		want     string
	}{
		"MinorUpgrade": {
			reason:   "A minor engine upgrade happens in place.",
			observed: mr("rds.aws.upbound.io/v1beta2", "Instance", map[string]any{"engineVersion": "15.4"}, nil),
			desired:  mr("rds.aws.upbound.io/v1beta2", "Instance", map[string]any{"engineVersion": "15.7"}, nil),
		},
		"MajorUpgrade": {
			reason:   "A major engine upgrade is refused.",
			observed: mr("rds.aws.upbound.io/v1beta2", "Instance", map[string]any{"engineVersion": "15.4"}, nil),
			desired:  mr("rds.aws.upbound.io/v1beta2", "Instance", map[string]any{"engineVersion": "16.3"}, nil),
			want:     `Instance "r": engineVersion would change from 15.4 to 16.3 (set by the claim's spec.parameters.database.engineVersion)`,
		},
		"ClassChange": {
			reason:   "An instance class change is an in-place modification.",
			observed: mr("rds.aws.upbound.io/v1beta2", "Instance", map[string]any{"instanceClass": "db.t3.large"}, nil),
			desired:  mr("rds.aws.upbound.io/v1beta2", "Instance", map[string]any{"instanceClass": "db.r5.large"}, nil),
		},
		"SubnetCIDR": {
			reason:   "A subnet CIDR cannot change in place.",
			observed: mr("ec2.aws.upbound.io/v1beta1", "Subnet", map[string]any{"cidrBlock": "10.0.0.0/18"}, nil),
			desired:  mr("ec2.aws.upbound.io/v1beta1", "Subnet", map[string]any{"cidrBlock": "10.1.0.0/18"}, nil),
			want:     `Subnet "r": cidrBlock would change from 10.0.0.0/18 to 10.1.0.0/18 (set by the claim's spec.parameters.network.cidr)`,
		},
		"NodeGroupInstanceTypes": {
			reason:   "Node group instance types force a new node group.",
			observed: mr("eks.aws.upbound.io/v1beta1", "NodeGroup", map[string]any{"instanceTypes": []any{"t3.large"}}, nil),
			desired:  mr("eks.aws.upbound.io/v1beta1", "NodeGroup", map[string]any{"instanceTypes": []any{"m6i.large"}}, nil),
			want:     `NodeGroup "r": instanceTypes would change`,
		},
		"LaunchTemplateAdded": {
			reason:   "EKS cannot add a launch template to a node group created without one: the provider would replace it.",
			observed: mr("eks.aws.upbound.io/v1beta1", "NodeGroup", map[string]any{"instanceTypes": []any{"t3.large"}}, nil),
			desired:  mr("eks.aws.upbound.io/v1beta1", "NodeGroup", map[string]any{"instanceTypes": []any{"t3.large"}, "launchTemplate": []any{map[string]any{"id": "lt-1", "version": "1"}}}, nil),
			want:     `NodeGroup "r": launchTemplate would be added`,
		},
		"LaunchTemplateRemoved": {
			reason:   "Dropping a node group's launch template replaces it too.",
			observed: mr("eks.aws.upbound.io/v1beta1", "NodeGroup", map[string]any{"launchTemplate": []any{map[string]any{"id": "lt-1", "version": "1"}}}, nil),
			desired:  mr("eks.aws.upbound.io/v1beta1", "NodeGroup", map[string]any{"launchTemplate": []any{}}, nil),
			want:     `NodeGroup "r": launchTemplate would be removed`,
		},
		"LaunchTemplateOtherID": {
			reason:   "After creation a node group cannot use another launch template id.",
			observed: mr("eks.aws.upbound.io/v1beta1", "NodeGroup", map[string]any{"launchTemplate": []any{map[string]any{"id": "lt-1", "version": "1"}}}, nil),
			desired:  mr("eks.aws.upbound.io/v1beta1", "NodeGroup", map[string]any{"launchTemplate": []any{map[string]any{"id": "lt-2", "version": "1"}}}, nil),
			want:     `NodeGroup "r": launchTemplate would change`,
		},
		"LaunchTemplateNewVersion": {
			reason:   "A new version of the same template is an in-place rolling update (the provider may have late-initialized the name).",
			observed: mr("eks.aws.upbound.io/v1beta1", "NodeGroup", map[string]any{"launchTemplate": []any{map[string]any{"id": "lt-1", "name": "gokinjo-dev-general", "version": "1"}}}, nil),
			desired:  mr("eks.aws.upbound.io/v1beta1", "NodeGroup", map[string]any{"launchTemplate": []any{map[string]any{"id": "lt-1", "version": "2"}}}, nil),
		},
		"NoLaunchTemplate": {
			reason:   "A node group without a template, composed without one, is no change.",
			observed: mr("eks.aws.upbound.io/v1beta1", "NodeGroup", map[string]any{"instanceTypes": []any{"t3.large"}}, nil),
			desired:  mr("eks.aws.upbound.io/v1beta1", "NodeGroup", map[string]any{"instanceTypes": []any{"t3.large"}}, nil),
		},
		"BucketRename": {
			reason:   "A new bucket name would be a new bucket: the observed name wins (State.Add), so nothing is replaced.",
			observed: mr("s3.aws.upbound.io/v1beta1", "Bucket", nil, map[string]string{meta.AnnotationKeyExternalName: "gokinjo-raw-prod"}),
			desired:  mr("s3.aws.upbound.io/v1beta1", "Bucket", nil, map[string]string{meta.AnnotationKeyExternalName: "gokinjo-raw-prod-acme"}),
		},
		"FieldNotYetSet": {
			reason:   "A field the observed resource lacks is no change.",
			observed: mr("ec2.aws.upbound.io/v1beta1", "Subnet", map[string]any{}, nil),
			desired:  mr("ec2.aws.upbound.io/v1beta1", "Subnet", map[string]any{"cidrBlock": "10.1.0.0/18"}, nil),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := NewState(map[resource.Name]resource.ObservedComposed{"r": {Resource: tc.observed}})
			if err := s.AddUnstructured("r", tc.desired.Object, nil); err != nil {
				t.Fatal(err)
			}
			err := s.GuardReplacement()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("%s\nunexpected error: %v", tc.reason, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("%s\nwant error containing %q, got %v", tc.reason, tc.want, err)
			}
		})
	}
}
