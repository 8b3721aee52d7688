package workloads

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

var (
	// imageRepository is a registry host (optional) and a lower-case path,
	// without tag or digest: the tag is a field of its own.
	imageRepository = regexp.MustCompile(`^([a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$`)
	// imageTag is a Docker tag.
	imageTag = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	// certificateARN is an ACM certificate ARN; the region is group 2.
	certificateARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):acm:([a-z]{2}(-gov)?-[a-z]+-[0-9]):[0-9]{12}:certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// MaxReplicas bounds replicas and maxReplicas: a Deployment's and an HPA's
// replica counts are 32-bit, and a larger value would wrap; 100 pods of one
// app is far beyond what an environment's node groups run.
const MaxReplicas = 100

// regionPartition is the AWS partition of a region (the ARN prefix).
func regionPartition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// isLatest reports whether a tag is latest in any letter case: registries
// treat tags case-sensitively, but LATEST is as unpinned as latest.
func isLatest(tag string) bool { return strings.EqualFold(tag, "latest") }

// Validate checks resolved workloads parameters; prefix is where they sit in
// the user's object (spec.parameters. on the XWorkloads,
// spec.parameters.workloads. on the claim).
func Validate(p v1alpha1.WorkloadsParameters, prefix string) error {
	if p.Version == "" || isLatest(p.Version) || !imageTag.MatchString(p.Version) {
		return fmt.Errorf("%sversion: %q is not a pinned image tag: name a release such as v0.1.0 (letters, digits, _ . -, at most 128 characters; never latest in any letter case)", prefix, p.Version)
	}
	if p.CertificateARN != "" {
		m := certificateARN.FindStringSubmatch(p.CertificateARN)
		if m == nil {
			return fmt.Errorf("%scertificateArn: %q is not an ACM certificate ARN (arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>)", prefix, p.CertificateARN)
		}
		if p.Region != "" && m[1] != regionPartition(p.Region) {
			return fmt.Errorf("%scertificateArn: the ARN is in partition %s but region %s is in %s: use a certificate of the environment's region", prefix, m[1], p.Region, regionPartition(p.Region))
		}
		if p.Region != "" && m[2] != p.Region {
			return fmt.Errorf("%scertificateArn: the certificate is in %s but the environment is in %s: an ALB uses certificates of its own region only; request or import the certificate in %s", prefix, m[2], p.Region, p.Region)
		}
	}
	for _, a := range []struct {
		field string
		p     v1alpha1.AppParams
	}{{"api", p.API}, {"frontend", p.Frontend}} {
		if err := validateApp(a.p, prefix+a.field+"."); err != nil {
			return err
		}
	}
	return nil
}

func validateApp(a v1alpha1.AppParams, prefix string) error {
	if a.Image != "" && !imageRepository.MatchString(a.Image) {
		return fmt.Errorf("%simage: %q is not an image repository: give registry/path without a tag (set the tag in tag)", prefix, a.Image)
	}
	if isLatest(a.Tag) || !imageTag.MatchString(a.Tag) {
		return fmt.Errorf("%stag: %q is not a pinned image tag: name a release such as v0.1.0 (letters, digits, _ . -, at most 128 characters; never latest in any letter case)", prefix, a.Tag)
	}
	if a.Replicas < 1 {
		return fmt.Errorf("%sreplicas: %d is below 1: run at least one replica", prefix, a.Replicas)
	}
	if a.Replicas > MaxReplicas {
		return fmt.Errorf("%sreplicas: %d is above %d, the most one app runs (a larger count would also overflow the Deployment's 32-bit size)", prefix, a.Replicas, MaxReplicas)
	}
	if a.MaxReplicas > MaxReplicas {
		return fmt.Errorf("%smaxReplicas: %d is above %d, the most one app runs (a larger count would also overflow the autoscaler's 32-bit size)", prefix, a.MaxReplicas, MaxReplicas)
	}
	if a.MaxReplicas < a.Replicas {
		return fmt.Errorf("%smaxReplicas: %d is below replicas (%d), the autoscaler's minimum: raise maxReplicas or lower replicas", prefix, a.MaxReplicas, a.Replicas)
	}
	return nil
}
