package cluster

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// Validate checks resolved cluster parameters; path is where they sit in
// the object the user wrote (spec.parameters of an XCluster,
// spec.parameters.cluster of an Environment). The XRDs reject most bad input
// at admission; this catches what they cannot see (a claim that overrides
// only maxSize below the preset's minSize) and hand-made XClusters. A node
// group is named by its name (nodeGroups.general), as the claim writes it.
func Validate(p v1alpha1.ClusterParameters, path *field.Path) field.ErrorList {
	if p.EnvironmentID == "" || p.Environment == "" || p.Region == "" || p.Name == "" {
		return field.ErrorList{field.Required(path, "environmentId, environment, region and name are required")}
	}
	errs := validateVersion(p, path)
	for i, c := range p.PublicAccessCIDRs {
		at := path.Child("publicAccessCidrs").Index(i)
		pfx, err := netip.ParsePrefix(c)
		switch {
		case err != nil || !pfx.Addr().Is4():
			errs = append(errs, field.Invalid(at, c, "not an IPv4 CIDR block such as 203.0.113.0/24"))
		case pfx.Bits() == 0:
			errs = append(errs, field.Invalid(at, c, "opens the API endpoint to the whole internet: list the CIDRs of your offices and of the management cluster's egress, or none for a private-only endpoint"))
		}
	}
	principal := path.Child("adminPrincipalArn")
	if p.AccessEntries && p.AdminPrincipalARN == "" {
		errs = append(errs, field.Required(principal, "access entries are asked for but no admin principal ARN is given: set adminPrincipalArn or accessEntries: false"))
	}
	if p.AdminPrincipalARN != "" {
		if err := validatePrincipal(p.AdminPrincipalARN, partition(p.Region)); err != nil {
			errs = append(errs, field.Invalid(principal, p.AdminPrincipalARN, err.Error()))
		}
	}
	seen := map[string]bool{}
	for i, ng := range p.NodeGroups {
		if ng.Name != v1alpha1.NodeGroupGeneral && ng.Name != v1alpha1.NodeGroupCompute {
			errs = append(errs, field.NotSupported(path.Child("nodeGroups").Index(i).Child("name"), ng.Name, []string{v1alpha1.NodeGroupGeneral, v1alpha1.NodeGroupCompute}))
			continue
		}
		at := path.Child("nodeGroups", ng.Name)
		if seen[ng.Name] {
			errs = append(errs, field.Duplicate(at, ng.Name))
			continue
		}
		seen[ng.Name] = true
		errs = append(errs, validateNodeGroup(at, ng)...)
	}
	if !seen[v1alpha1.NodeGroupGeneral] {
		errs = append(errs, field.Required(path.Child("nodeGroups", v1alpha1.NodeGroupGeneral), "the general node group is required"))
	}
	return errs
}

// validateVersion checks the version against the EKS facts: offered at all,
// and in standard support unless the claim pays for extended support.
func validateVersion(p v1alpha1.ClusterParameters, path *field.Path) field.ErrorList {
	offered := facts.EKS.Offered()
	k, ok := facts.EKS.Version(p.Version)
	if !ok || !slices.Contains(offered, p.Version) {
		return field.ErrorList{field.Invalid(path.Child("version"), p.Version, "EKS does not create clusters of this Kubernetes version: use one of "+strings.Join(offered, ", "))}
	}
	switch p.SupportType {
	case "", v1alpha1.SupportStandard:
		if !k.InStandardSupport(facts.EKS.AsOf()) {
			return field.ErrorList{field.Invalid(path.Child("version"), p.Version, fmt.Sprintf(
				"Kubernetes %s left EKS standard support on %s and costs the extended-support price: use %s, or set supportType: EXTENDED to pay for extended support",
				p.Version, k.StandardSupportEnd, strings.Join(facts.EKS.Standard(), " or ")))}
		}
	case v1alpha1.SupportExtended:
	default:
		return field.ErrorList{field.NotSupported(path.Child("supportType"), p.SupportType, []string{v1alpha1.SupportStandard, v1alpha1.SupportExtended})}
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
		return fmt.Errorf("not an ARN: use an IAM role or user ARN such as arn:%s:iam::123456789012:role/admin", wantPartition)
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	if a.Service == "sts" && kind == "assumed-role" {
		role, _, _ := strings.Cut(rest, "/")
		return fmt.Errorf("an STS session (assumed-role) ARN, which EKS access entries refuse: use the role's IAM ARN arn:%s:iam::%s:role/%s (with the role's path, if it has one)", a.Partition, a.AccountID, role)
	}
	if a.Service != "iam" || (kind != "role" && kind != "user") || rest == "" || !isAccountID(a.AccountID) || a.Region != "" {
		return fmt.Errorf("not an IAM role or user ARN such as arn:%s:iam::123456789012:role/admin", wantPartition)
	}
	if a.Partition != wantPartition {
		return fmt.Errorf("in partition %s but the cluster's region is in %s: use an IAM ARN of partition %s (arn:%s:iam::<account>:role/<name>)", a.Partition, wantPartition, wantPartition, wantPartition)
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

func validateNodeGroup(path *field.Path, ng v1alpha1.NodeGroupParams) field.ErrorList {
	var errs field.ErrorList
	if _, ok := facts.EC2.AMIType(ng.InstanceType); !ok {
		errs = append(errs, field.Invalid(path.Child("instanceType"), ng.InstanceType, "not an instance type the platform knows: use one of "+strings.Join(facts.EC2.Names(), ", ")))
	}
	limit := facts.EKS.NodeGroupMaxSize
	switch {
	case ng.MinSize < 0 || ng.MaxSize < 1 || ng.DesiredSize < 0 || ng.MinSize > limit || ng.MaxSize > limit || ng.DesiredSize > limit:
		errs = append(errs, field.Invalid(path, fmt.Sprintf("min %d, max %d, desired %d", ng.MinSize, ng.MaxSize, ng.DesiredSize),
			fmt.Sprintf("node group %s needs 0 <= minSize, 1 <= maxSize and every size at most %d", ng.Name, limit)))
	case ng.MinSize > ng.MaxSize:
		errs = append(errs, field.Invalid(path.Child("minSize"), ng.MinSize, fmt.Sprintf("above maxSize %d: lower minSize or raise maxSize", ng.MaxSize)))
	case ng.DesiredSize < ng.MinSize || ng.DesiredSize > ng.MaxSize:
		errs = append(errs, field.Invalid(path.Child("desiredSize"), ng.DesiredSize, fmt.Sprintf("outside [minSize %d, maxSize %d]: set desiredSize within them", ng.MinSize, ng.MaxSize)))
	}
	return errs
}
