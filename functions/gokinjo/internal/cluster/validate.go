package cluster

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
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
	if err := validateVersion(p, prefix); err != nil {
		return err
	}
	for _, c := range p.PublicAccessCIDRs {
		pfx, err := netip.ParsePrefix(c)
		if err != nil || !pfx.Addr().Is4() {
			return fmt.Errorf("%spublicAccessCidrs: %q is not an IPv4 CIDR block such as 203.0.113.0/24", prefix, c)
		}
		if pfx.Bits() == 0 {
			return fmt.Errorf("%spublicAccessCidrs: %q opens the API endpoint to the whole internet: list the CIDRs of your offices and of the management cluster's egress, or none for a private-only endpoint", prefix, c)
		}
	}
	if p.AccessEntries && p.AdminPrincipalARN == "" {
		return fmt.Errorf("%sadminPrincipalArn: access entries are asked for but no admin principal ARN is given: set adminPrincipalArn or accessEntries: false", prefix)
	}
	if p.AdminPrincipalARN != "" {
		if err := validatePrincipal(p.AdminPrincipalARN, partition(p.Region)); err != nil {
			return fmt.Errorf("%sadminPrincipalArn: %w", prefix, err)
		}
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

// validateVersion checks the version against the EKS facts: offered at all,
// and in standard support unless the claim pays for extended support.
func validateVersion(p v1alpha1.ClusterParameters, prefix string) error {
	offered := facts.EKS.Offered()
	k, ok := facts.EKS.Version(p.Version)
	if !ok || !slices.Contains(offered, p.Version) {
		return fmt.Errorf("%sversion: EKS does not create Kubernetes %q clusters: use one of %s", prefix, p.Version, strings.Join(offered, ", "))
	}
	switch p.SupportType {
	case "", v1alpha1.SupportStandard:
		if !k.InStandardSupport(facts.EKS.AsOf()) {
			return fmt.Errorf("%sversion: Kubernetes %s left EKS standard support on %s and costs the extended-support price: use %s, or set supportType: EXTENDED to pay for extended support",
				prefix, p.Version, k.StandardSupportEnd, strings.Join(facts.EKS.Standard(), " or "))
		}
	case v1alpha1.SupportExtended:
	default:
		return fmt.Errorf("%ssupportType: %q is not STANDARD or EXTENDED", prefix, p.SupportType)
	}
	return nil
}

// validatePrincipal checks an access-entry principal the way EKS does: an IAM
// role or user of the region's partition. An STS assumed-role ARN (what
// `aws sts get-caller-identity` prints inside a role session) is refused with
// the role ARN to use instead.
func validatePrincipal(s, wantPartition string) error {
	a, err := arn.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not an ARN: use an IAM role or user ARN such as arn:%s:iam::123456789012:role/admin", s, wantPartition)
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	if a.Service == "sts" && kind == "assumed-role" {
		role, _, _ := strings.Cut(rest, "/")
		return fmt.Errorf("%q is an STS session (assumed-role) ARN, which EKS access entries refuse: use the role's IAM ARN arn:%s:iam::%s:role/%s (with the role's path, if it has one)", s, a.Partition, a.AccountID, role)
	}
	if a.Service != "iam" || (kind != "role" && kind != "user") || rest == "" || !isAccountID(a.AccountID) || a.Region != "" {
		return fmt.Errorf("%q is not an IAM role or user ARN such as arn:%s:iam::123456789012:role/admin", s, wantPartition)
	}
	if a.Partition != wantPartition {
		return fmt.Errorf("%q is in partition %s but the cluster's region is in %s: use an ARN starting arn:%s:iam::", s, a.Partition, wantPartition, wantPartition)
	}
	return nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func validateNodeGroup(f string, ng v1alpha1.NodeGroupParams) error {
	if _, ok := facts.EC2.AMIType(ng.InstanceType); !ok {
		return fmt.Errorf("%s.instanceType: %q is not an instance type the platform knows: use one of %s", f, ng.InstanceType, strings.Join(facts.EC2.Names(), ", "))
	}
	limit := facts.EKS.NodeGroupMaxSize
	if ng.MinSize < 0 || ng.MaxSize < 1 || ng.DesiredSize < 0 || ng.MinSize > limit || ng.MaxSize > limit || ng.DesiredSize > limit {
		return fmt.Errorf("%s: node group %s needs 0 <= minSize, 1 <= maxSize and every size at most %d (got min %d, max %d, desired %d)", f, ng.Name, limit, ng.MinSize, ng.MaxSize, ng.DesiredSize)
	}
	if ng.MinSize > ng.MaxSize {
		return fmt.Errorf("%s.minSize: node group %s has minSize %d above maxSize %d", f, ng.Name, ng.MinSize, ng.MaxSize)
	}
	if ng.DesiredSize < ng.MinSize || ng.DesiredSize > ng.MaxSize {
		return fmt.Errorf("%s.desiredSize: node group %s has desiredSize %d outside [minSize %d, maxSize %d]", f, ng.Name, ng.DesiredSize, ng.MinSize, ng.MaxSize)
	}
	return nil
}
