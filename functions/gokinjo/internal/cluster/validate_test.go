package cluster

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
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
			reason: "A Kubernetes version out of EKS standard support is refused, naming the field and the versions allowed.",
			args:   args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) { p.Version = "1.28" }},
			want:   want{err: `spec.parameters.version: Kubernetes "1.28" is not supported: use one of 1.32, 1.33, 1.34`},
		},
		"MinAboveMax": {
			reason: "A node group whose minimum exceeds its maximum is refused.",
			args: args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) {
				p.NodeGroups[0].MinSize, p.NodeGroups[0].MaxSize, p.NodeGroups[0].DesiredSize = 6, 4, 5
			}},
			want: want{err: "spec.parameters.nodeGroups[0].minSize: node group general has minSize 6 above maxSize 4"},
		},
		"DesiredBelowMin": {
			reason: "A desired size below the minimum is refused.",
			args:   args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) { p.NodeGroups[1].DesiredSize = 1 }},
			want:   want{err: "spec.parameters.nodeGroups[1].desiredSize: node group compute has desiredSize 1 outside [minSize 2, maxSize 4]"},
		},
		"DesiredAboveMax": {
			reason: "A desired size above the maximum is refused.",
			args:   args{env: "dev", mod: func(p *v1alpha1.ClusterParameters) { p.NodeGroups[0].DesiredSize = 6 }},
			want:   want{err: "spec.parameters.nodeGroups[0].desiredSize: node group general has desiredSize 6 outside [minSize 2, maxSize 5]"},
		},
		"BadInstanceType": {
			reason: "An instance type that is not family.size is refused.",
			args:   args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) { p.NodeGroups[1].InstanceType = "C5 XLarge" }},
			want:   want{err: `spec.parameters.nodeGroups[1].instanceType: "C5 XLarge" is not an EC2 instance type such as t3.large`},
		},
		"AccessEntriesWithoutPrincipal": {
			reason: "Access entries asked for with no admin principal ARN are refused.",
			args:   args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) { p.AccessEntries, p.AdminPrincipalARN = true, "" }},
			want:   want{err: "spec.parameters.adminPrincipalArn: access entries are asked for but no admin principal ARN is given: set adminPrincipalArn or accessEntries: false"},
		},
		"BadPrincipal": {
			reason: "An admin principal that is not an IAM role or user ARN is refused.",
			args: args{env: "prod", mod: func(p *v1alpha1.ClusterParameters) {
				p.AccessEntries, p.AdminPrincipalARN = true, "admin"
			}},
			want: want{err: `spec.parameters.adminPrincipalArn: "admin" is not an IAM role or user ARN such as arn:aws:iam::123456789012:role/admin`},
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

func TestValidateClaimNamesClaimFields(t *testing.T) {
	p := params(t, "prod", func(p *v1alpha1.ClusterParameters) { p.NodeGroups[1].MaxSize = 1 })
	err := ValidateClaim(p)
	want := "spec.parameters.cluster.nodeGroups.compute.minSize: node group compute has minSize 2 above maxSize 1"
	got := ""
	if err != nil {
		got = err.Error()
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ValidateClaim(): -want, +got:\n%s", diff)
	}
}
