package cluster

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

var (
	instanceTypeRE = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	principalRE    = regexp.MustCompile(`^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:(role|user|assumed-role)/.+$`)
)

// Validate checks resolved cluster parameters. The XRDs reject most bad
// input at admission; this catches what they cannot see (a claim that
// overrides only maxSize below the preset's minSize) and hand-made XClusters.
// Every message names the field to fix, in the XCluster's terms.
func Validate(p v1alpha1.ClusterParameters) error {
	return validate(p, "spec.parameters.", func(i int, _ string) string { return fmt.Sprintf("spec.parameters.nodeGroups[%d]", i) })
}

// ValidateClaim checks the cluster parameters an environment resolved from
// its claim, naming the claim's fields (spec.parameters.cluster...), so that
// a bad override fails on the Environment rather than deep in an XCluster.
func ValidateClaim(p v1alpha1.ClusterParameters) error {
	return validate(p, "spec.parameters.cluster.", func(_ int, name string) string { return "spec.parameters.cluster.nodeGroups." + name })
}

func validate(p v1alpha1.ClusterParameters, prefix string, ngField func(int, string) string) error {
	if p.EnvironmentID == "" || p.Environment == "" || p.Region == "" || p.Name == "" {
		return fmt.Errorf("spec.parameters: environmentId, environment, region and name are required")
	}
	if !slices.Contains(v1alpha1.KubernetesVersions, p.Version) {
		return fmt.Errorf("%sversion: Kubernetes %q is not supported: use one of %s", prefix, p.Version, strings.Join(v1alpha1.KubernetesVersions, ", "))
	}
	if len(p.PublicAccessCIDRs) == 0 {
		return fmt.Errorf("%spublicAccessCidrs: list at least one CIDR that may reach the public API endpoint", prefix)
	}
	if p.AccessEntries && p.AdminPrincipalARN == "" {
		return fmt.Errorf("%sadminPrincipalArn: access entries are asked for but no admin principal ARN is given: set adminPrincipalArn or accessEntries: false", prefix)
	}
	if p.AdminPrincipalARN != "" && !principalRE.MatchString(p.AdminPrincipalARN) {
		return fmt.Errorf("%sadminPrincipalArn: %q is not an IAM role or user ARN such as arn:aws:iam::123456789012:role/admin", prefix, p.AdminPrincipalARN)
	}
	seen := map[string]bool{}
	for i, ng := range p.NodeGroups {
		f := ngField(i, ng.Name)
		if ng.Name != v1alpha1.NodeGroupGeneral && ng.Name != v1alpha1.NodeGroupCompute {
			return fmt.Errorf("%s.name: %q is not general or compute", f, ng.Name)
		}
		if seen[ng.Name] {
			return fmt.Errorf("%s.name: node group %q is listed twice", f, ng.Name)
		}
		seen[ng.Name] = true
		if err := validateNodeGroup(f, ng); err != nil {
			return err
		}
	}
	if !seen[v1alpha1.NodeGroupGeneral] {
		return fmt.Errorf("%snodeGroups: the general node group is required", prefix)
	}
	return nil
}

func validateNodeGroup(f string, ng v1alpha1.NodeGroupParams) error {
	if !instanceTypeRE.MatchString(ng.InstanceType) {
		return fmt.Errorf("%s.instanceType: %q is not an EC2 instance type such as t3.large", f, ng.InstanceType)
	}
	if ng.MinSize < 0 || ng.MaxSize < 1 {
		return fmt.Errorf("%s: node group %s needs minSize >= 0 and maxSize >= 1 (got %d and %d)", f, ng.Name, ng.MinSize, ng.MaxSize)
	}
	if ng.MinSize > ng.MaxSize {
		return fmt.Errorf("%s.minSize: node group %s has minSize %d above maxSize %d", f, ng.Name, ng.MinSize, ng.MaxSize)
	}
	if ng.DesiredSize < ng.MinSize || ng.DesiredSize > ng.MaxSize {
		return fmt.Errorf("%s.desiredSize: node group %s has desiredSize %d outside [minSize %d, maxSize %d]", f, ng.Name, ng.DesiredSize, ng.MinSize, ng.MaxSize)
	}
	return nil
}
