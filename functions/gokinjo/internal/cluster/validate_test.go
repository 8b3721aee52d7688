package cluster

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

func TestComposeBadInput(t *testing.T) {
	type args struct {
		env string
		mod func(*v1alpha1.ClusterParameters)
	}
	type want struct {
		err string
	}
	cases := map[string]struct {
		reason string
		args   args
		want   want
	}{
		"UnsupportedVersion": {
			reason: "A Kubernetes version EKS no longer creates is refused, naming the field and the versions offered.",
			args:   args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) { p.Version = "1.28" }},
			want:   want{err: `spec.parameters.version: Invalid value: "1.28": EKS does not create clusters of this Kubernetes version: use one of 1.32, 1.33, 1.34, 1.35`},
		},
		"ExtendedWithoutOptIn": {
			reason: "A version past standard support is refused unless the claim opts into extended support and its price.",
			args:   args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) { p.Version = "1.33" }},
			want:   want{err: `spec.parameters.version: Invalid value: "1.33": Kubernetes 1.33 left EKS standard support on 2026-07-29 and costs the extended-support price: use 1.34 or 1.35, or set supportType: EXTENDED to pay for extended support`},
		},
		"ExtendedOptIn": {
			reason: "A version in extended support composes when the claim opts in.",
			args: args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) {
				p.Version, p.SupportType = "1.33", v1alpha1.SupportExtended
			}},
		},
		"BadSupportType": {
			reason: "An upgrade policy EKS does not know is refused.",
			args:   args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) { p.SupportType = "standard" }},
			want:   want{err: `spec.parameters.supportType: Unsupported value: "standard": supported values: "STANDARD", "EXTENDED"`},
		},
		"OpenPublicEndpoint": {
			reason: "0.0.0.0/0 opens the API to the internet and is refused with what to list instead.",
			args:   args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) { p.PublicAccessCIDRs = []string{"203.0.113.0/24", "0.0.0.0/0"} }},
			want:   want{err: `spec.parameters.publicAccessCidrs[1]: Invalid value: "0.0.0.0/0": opens the API endpoint to the whole internet: list the CIDRs of your offices and of the management cluster's egress, or none for a private-only endpoint`},
		},
		"NodeGroupAboveEKSLimit": {
			reason: "Sizes are bounded where EKS bounds them, so no huge integer reaches AWS.",
			args: args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) {
				p.NodeGroups[0].MaxSize, p.NodeGroups[0].DesiredSize = 2147483648, 2
			}},
			want: want{err: `spec.parameters.nodeGroups.general: Invalid value: "min 2, max 2147483648, desired 2": node group general needs 0 <= minSize, 1 <= maxSize and every size at most 100`},
		},
		"AssumedRolePrincipal": {
			reason: "An STS session ARN is refused, naming the IAM role ARN to use instead.",
			args: args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) {
				p.AccessEntries, p.AdminPrincipalARN = true, "arn:aws:sts::123456789012:assumed-role/PlatformAdmin/alice@example.com"
			}},
			want: want{err: `spec.parameters.adminPrincipalArn: Invalid value: "arn:aws:sts::123456789012:assumed-role/PlatformAdmin/alice@example.com": an STS session (assumed-role) ARN, which EKS access entries refuse: use the role's IAM ARN arn:aws:iam::123456789012:role/PlatformAdmin (with the role's path, if it has one)`},
		},
		"PrincipalOfAnotherService": {
			reason: "An ARN that is not an IAM role or user is refused.",
			args: args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) {
				p.AccessEntries, p.AdminPrincipalARN = true, "arn:aws:s3:::admin-bucket"
			}},
			want: want{err: `spec.parameters.adminPrincipalArn: Invalid value: "arn:aws:s3:::admin-bucket": not an IAM role or user ARN such as arn:aws:iam::123456789012:role/admin`},
		},
		"PrincipalOfAnotherPartition": {
			reason: "A principal of another partition than the region's is refused.",
			args: args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) {
				p.AccessEntries, p.AdminPrincipalARN = true, "arn:aws-cn:iam::123456789012:role/admin"
			}},
			want: want{err: `spec.parameters.adminPrincipalArn: Invalid value: "arn:aws-cn:iam::123456789012:role/admin": in partition aws-cn but the cluster's region is in aws: use an IAM ARN of partition aws (arn:aws:iam::<account>:role/<name>)`},
		},
		"GravitonInstanceType": {
			reason: "A Graviton instance type composes (with the ARM AMI, see nodegroups_test).",
			args:   args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) { p.NodeGroups[1].InstanceType = "c7g.xlarge" }},
		},
		"MinAboveMax": {
			reason: "A node group whose minimum exceeds its maximum is refused.",
			args: args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) {
				p.NodeGroups[0].MinSize, p.NodeGroups[0].MaxSize, p.NodeGroups[0].DesiredSize = 6, 4, 5
			}},
			want: want{err: `spec.parameters.nodeGroups.general.minSize: Invalid value: 6: above maxSize 4: lower minSize or raise maxSize`},
		},
		"DesiredBelowMin": {
			reason: "A desired size below the minimum is refused.",
			args:   args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) { p.NodeGroups[1].DesiredSize = 1 }},
			want:   want{err: `spec.parameters.nodeGroups.compute.desiredSize: Invalid value: 1: outside [minSize 2, maxSize 4]: set desiredSize within them`},
		},
		"DesiredAboveMax": {
			reason: "A desired size above the maximum is refused.",
			args:   args{env: "dev", mod: func(p *v1alpha1.ClusterParameters) { p.NodeGroups[0].DesiredSize = 6 }},
			want:   want{err: `spec.parameters.nodeGroups.general.desiredSize: Invalid value: 6: outside [minSize 2, maxSize 5]: set desiredSize within them`},
		},
		"BadInstanceType": {
			reason: "An instance type the EC2 facts do not list is refused, with the list.",
			args:   args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) { p.NodeGroups[1].InstanceType = "C5 XLarge" }},
			want: want{err: `spec.parameters.nodeGroups.compute.instanceType: Invalid value: "C5 XLarge": not an instance type the platform knows: use one of ` +
				strings.Join(facts.EC2.Names(), ", ")},
		},
		"AccessEntriesWithoutPrincipal": {
			reason: "Access entries asked for with no admin principal ARN are refused.",
			args:   args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) { p.AccessEntries, p.AdminPrincipalARN = true, "" }},
			want:   want{err: `spec.parameters.adminPrincipalArn: Required value: access entries are asked for but no admin principal ARN is given: set adminPrincipalArn or accessEntries: false`},
		},
		"BadPrincipal": {
			reason: "An admin principal that is not an IAM role or user ARN is refused.",
			args: args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) {
				p.AccessEntries, p.AdminPrincipalARN = true, "admin"
			}},
			want: want{err: `spec.parameters.adminPrincipalArn: Invalid value: "admin": not an ARN: use an IAM role or user ARN such as arn:aws:iam::123456789012:role/admin`},
		},
		"Valid": {
			reason: "The prod preset with an admin principal composes.",
			args: args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) {
				p.AccessEntries, p.AdminPrincipalARN = true, "arn:aws:iam::123456789012:role/platform-admin"
			}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr, _ := newXR(t, params(t, tc.args.env, tc.args.mod))
			s := compose.NewState(nil)
			err := (Layer{}).Compose(context.Background(), xr, s)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.want.err, got); diff != "" {
				t.Errorf("%s\nCompose(): -want error, +got error:\n%s", tc.reason, diff)
			}
			if err != nil && len(s.Desired()) != 0 {
				t.Errorf("%s\nCompose() returned an error with %d desired resources; want none", tc.reason, len(s.Desired()))
			}
		})
	}
}

func TestValidateNamesClaimFields(t *testing.T) {
	p := params(t, "prod", func(p *v1alpha1.ClusterParameters) { p.NodeGroups[1].MaxSize = 1 })
	err := Validate(p, field.NewPath("spec", "parameters", "cluster")).ToAggregate()
	want := "spec.parameters.cluster.nodeGroups.compute.minSize: Invalid value: 2: above maxSize 1: lower minSize or raise maxSize"
	got := ""
	if err != nil {
		got = err.Error()
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Validate(): -want, +got:\n%s", diff)
	}
}

// TestValidateReportsAll: every bad field is reported at once.
func TestValidateReportsAll(t *testing.T) {
	p := params(t, "prod", func(p *v1alpha1.ClusterParameters) {
		p.PublicAccessCIDRs = []string{"0.0.0.0/0"}
		p.NodeGroups[0].InstanceType = "t3.huge"
		p.NodeGroups[1].DesiredSize = 9
	})
	var got []string
	for _, e := range Validate(p, field.NewPath("spec", "parameters")) {
		got = append(got, e.Field)
	}
	want := []string{"spec.parameters.publicAccessCidrs[0]", "spec.parameters.nodeGroups.general.instanceType", "spec.parameters.nodeGroups.compute.desiredSize"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Validate(): fields -want, +got:\n%s", diff)
	}
}
