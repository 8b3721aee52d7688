package workloads

import (
	"fmt"
	"regexp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

var (
	// imageRepository is a registry host (optional) and a lower-case path,
	// without tag or digest: the tag is a field of its own.
	imageRepository = regexp.MustCompile(`^([a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$`)
	// imageTag is a Docker tag.
	imageTag = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	// certificateARN is an ACM certificate ARN.
	certificateARN = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:acm:[a-z]{2}(-gov)?-[a-z]+-[0-9]:[0-9]{12}:certificate/[0-9a-f-]{36}$`)
)

// Validate checks resolved workloads parameters; prefix is where they sit in
// the user's object (spec.parameters. on the XWorkloads,
// spec.parameters.workloads. on the claim).
func Validate(p v1alpha1.WorkloadsParameters, prefix string) error {
	if p.Version == "" || p.Version == "latest" || !imageTag.MatchString(p.Version) {
		return fmt.Errorf("%sversion: %q is not a pinned image tag: name a release such as v0.1.0 (never latest)", prefix, p.Version)
	}
	if p.CertificateARN != "" && !certificateARN.MatchString(p.CertificateARN) {
		return fmt.Errorf("%scertificateArn: %q is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)", prefix, p.CertificateARN)
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
	if a.Tag == "latest" || !imageTag.MatchString(a.Tag) {
		return fmt.Errorf("%stag: %q is not a pinned image tag: name a release such as v0.1.0 (never latest)", prefix, a.Tag)
	}
	if a.Replicas < 1 {
		return fmt.Errorf("%sreplicas: %d is below 1: run at least one replica", prefix, a.Replicas)
	}
	if a.MaxReplicas < a.Replicas {
		return fmt.Errorf("%smaxReplicas: %d is below replicas (%d), the autoscaler's minimum: raise maxReplicas or lower replicas", prefix, a.MaxReplicas, a.Replicas)
	}
	return nil
}
