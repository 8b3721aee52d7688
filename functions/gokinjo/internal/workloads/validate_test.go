package workloads

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func TestValidate(t *testing.T) {
	cases := map[string]struct {
		reason string
		mod    func(*v1alpha1.WorkloadsParameters)
		want   string
	}{
		"Defaults": {reason: "The preset is valid."},
		"ImageWithTag": {
			reason: "The tag is a field of its own.",
			mod:    func(p *v1alpha1.WorkloadsParameters) { p.API.Image = "ghcr.io/gokinjo/api:v1" },
			want:   "spec.parameters.api.image",
		},
		"ImageUpperCase": {
			reason: "Repository paths are lower case.",
			mod:    func(p *v1alpha1.WorkloadsParameters) { p.Frontend.Image = "ghcr.io/Gokinjo/frontend" },
			want:   "spec.parameters.frontend.image",
		},
		"ImageWithPort": {
			reason: "A registry with a port is valid.",
			mod:    func(p *v1alpha1.WorkloadsParameters) { p.API.Image = "registry.local:5000/gokinjo/api" },
		},
		"LatestTag": {
			reason: "latest is never pinned.",
			mod:    func(p *v1alpha1.WorkloadsParameters) { p.API.Tag = "latest" },
			want:   "spec.parameters.api.tag",
		},
		"LatestVersion": {
			reason: "latest is never pinned.",
			mod:    func(p *v1alpha1.WorkloadsParameters) { p.Version = "latest" },
			want:   "spec.parameters.version",
		},
		"LatestUpperCase": {
			reason: "LATEST is as unpinned as latest.",
			mod:    func(p *v1alpha1.WorkloadsParameters) { p.Frontend.Tag = "LaTeSt" },
			want:   "spec.parameters.frontend.tag",
		},
		"ReplicasWrap": {
			reason: "2147483648 replicas would wrap to a negative Deployment size.",
			mod:    func(p *v1alpha1.WorkloadsParameters) { p.API.Replicas, p.API.MaxReplicas = 2147483648, 2147483648 },
			want:   "spec.parameters.api.replicas",
		},
		"CertificateOtherRegion": {
			reason: "An ALB uses certificates of its own region only.",
			mod: func(p *v1alpha1.WorkloadsParameters) {
				p.CertificateARN = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
			},
			want: "spec.parameters.certificateArn",
		},
		"CertificateOtherPartition": {
			reason: "An ARN of another partition cannot name a certificate of this region.",
			mod: func(p *v1alpha1.WorkloadsParameters) {
				p.CertificateARN = "arn:aws-cn:acm:ap-northeast-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
			},
			want: "spec.parameters.certificateArn",
		},
		"CertificateSameRegion": {
			reason: "A certificate of the environment's region is accepted.",
			mod: func(p *v1alpha1.WorkloadsParameters) {
				p.CertificateARN = "arn:aws:acm:ap-northeast-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
			},
		},
		"ZeroReplicas": {
			reason: "At least one replica runs.",
			mod:    func(p *v1alpha1.WorkloadsParameters) { p.API.Replicas = 0 },
			want:   "spec.parameters.api.replicas",
		},
		"MinAboveMax": {
			reason: "The HPA's minimum cannot exceed its maximum.",
			mod:    func(p *v1alpha1.WorkloadsParameters) { p.Frontend.Replicas, p.Frontend.MaxReplicas = 5, 4 },
			want:   "spec.parameters.frontend.maxReplicas",
		},
		"BadCertificate": {
			reason: "The certificate must be an ACM ARN.",
			mod: func(p *v1alpha1.WorkloadsParameters) {
				p.CertificateARN = "arn:aws:iam::123456789012:server-certificate/x"
			},
			want: "spec.parameters.certificateArn",
		},
		"GoodCertificate": {
			reason: "An ACM ARN is accepted.",
			mod: func(p *v1alpha1.WorkloadsParameters) {
				p.CertificateARN = "arn:aws:acm:ap-northeast-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100"
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := Validate(params("dev", known("dev"), tc.mod), field.NewPath("spec", "parameters"))
			named := false
			for _, e := range errs {
				named = named || e.Field == tc.want
			}
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Errorf("%s\nValidate(): %v", tc.reason, errs)
			case tc.want != "" && !named:
				t.Errorf("%s\nValidate(): %v, want an error naming %s", tc.reason, errs, tc.want)
			}
		})
	}
}

func TestJobName(t *testing.T) {
	cases := map[string]struct{ tag, hash, want string }{
		"Semver":        {"v0.1.0", "0a1b2c3d", "gokinjo-api-migrate-v0-1-0-0a1b2c3d"},
		"Upper":         {"V1_2", "0a1b2c3d", "gokinjo-api-migrate-v1-2-0a1b2c3d"},
		"TooLong":       {strings.Repeat("a", 80), "0a1b2c3d", "gokinjo-api-migrate-" + strings.Repeat("a", 32) + "-0a1b2c3d"},
		"Trailing":      {"v1.", "0a1b2c3d", "gokinjo-api-migrate-v1-0a1b2c3d"},
		"LegacySemver":  {"v0.1.0", "", "gokinjo-api-migrate-v0-1-0"},
		"LegacyTooLong": {strings.Repeat("a", 80), "", "gokinjo-api-migrate-" + strings.Repeat("a", 43)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := jobName(apiName+"-migrate", tc.tag, tc.hash)
			if got != tc.want {
				t.Errorf("jobName(%q, %q) = %q, want %q", tc.tag, tc.hash, got, tc.want)
			}
			if len(got+"-3") > 63 && tc.hash != "" {
				t.Errorf("%q with an attempt suffix is over 63 characters", got)
			}
		})
	}
}
