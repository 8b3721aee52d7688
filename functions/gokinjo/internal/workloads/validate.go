package workloads

import (
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

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

// pinnedTag is the fix for a tag that is not pinned.
const pinnedTag = "not a pinned image tag: name a release such as v0.1.0 (letters, digits, _ . -, at most 128 characters; never latest in any letter case)"

// Validate checks resolved workloads parameters; path is where they sit in
// the object the user wrote (spec.parameters of an XWorkloads,
// spec.parameters.workloads of an Environment).
func Validate(p v1alpha1.WorkloadsParameters, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if p.Version == "" || isLatest(p.Version) || !imageTag.MatchString(p.Version) {
		errs = append(errs, field.Invalid(path.Child("version"), p.Version, pinnedTag))
	}
	if p.CertificateARN != "" {
		cert := path.Child("certificateArn")
		m := certificateARN.FindStringSubmatch(p.CertificateARN)
		switch {
		case m == nil:
			errs = append(errs, field.Invalid(cert, p.CertificateARN, "not an ACM certificate ARN (arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>)"))
		case p.Region != "" && m[1] != regionPartition(p.Region):
			errs = append(errs, field.Invalid(cert, p.CertificateARN, fmt.Sprintf("the ARN is in partition %s but region %s is in %s: use a certificate of the environment's region", m[1], p.Region, regionPartition(p.Region))))
		case p.Region != "" && m[2] != p.Region:
			errs = append(errs, field.Invalid(cert, p.CertificateARN, fmt.Sprintf("the certificate is in %s but the environment is in %s: an ALB uses certificates of its own region only; request or import the certificate in %s", m[2], p.Region, p.Region)))
		}
	}
	errs = append(errs, validateApp(p.API, path.Child("api"))...)
	return append(errs, validateApp(p.Frontend, path.Child("frontend"))...)
}

func validateApp(a v1alpha1.AppParams, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if a.Image != "" && !imageRepository.MatchString(a.Image) {
		errs = append(errs, field.Invalid(path.Child("image"), a.Image, "not an image repository: give registry/path without a tag (set the tag in tag)"))
	}
	if isLatest(a.Tag) || !imageTag.MatchString(a.Tag) {
		errs = append(errs, field.Invalid(path.Child("tag"), a.Tag, pinnedTag))
	}
	replicas, maxReplicas := path.Child("replicas"), path.Child("maxReplicas")
	switch {
	case a.Replicas < 1:
		errs = append(errs, field.Invalid(replicas, a.Replicas, "below 1: run at least one replica"))
	case a.Replicas > MaxReplicas:
		errs = append(errs, field.Invalid(replicas, a.Replicas, fmt.Sprintf("above %d, the most one app runs (a larger count would also overflow the Deployment's 32-bit size)", MaxReplicas)))
	}
	switch {
	case a.MaxReplicas > MaxReplicas:
		errs = append(errs, field.Invalid(maxReplicas, a.MaxReplicas, fmt.Sprintf("above %d, the most one app runs (a larger count would also overflow the autoscaler's 32-bit size)", MaxReplicas)))
	case a.MaxReplicas < a.Replicas:
		errs = append(errs, field.Invalid(maxReplicas, a.MaxReplicas, fmt.Sprintf("below replicas (%d), the autoscaler's minimum: raise maxReplicas or lower replicas", a.Replicas)))
	}
	return errs
}
