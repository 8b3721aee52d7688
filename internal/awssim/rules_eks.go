package awssim

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// EKS rules: only Kubernetes versions in facts.EKS; add-on versions that
// match the cluster's version (the per-minor table in facts.EKS); a node
// group never ahead of its control plane, and its desired size within its
// range; control-plane subnets in two zones.
func init() { // Rule registration.
	onCreate(gk("eks", "Cluster"), eksVersion)
	onCreate(gk("eks", "Cluster"), eksZones)
	onCreate(gk("eks", "Addon"), eksAddonVersion)
	onCreate(gk("eks", "NodeGroup"), eksNodeGroupVersion)
	onCreate(gk("eks", "NodeGroup"), eksNodeGroupScaling)
	onUpdateCarry(gk("eks", "NodeGroup"), carryNodeGroupSize)
	onCreate(gk("eks", "NodeGroup"), eksNodeGroupLaunchTemplate)
}

// eksNodeGroupScaling: EKS refuses a scaling config whose desired size is
// outside [minSize, maxSize]. On an update the desired size is forProvider's
// if set, else the group's current one (carryNodeGroupSize): raising minSize
// above it, or lowering maxSize below it, is refused on every retry.
func eksNodeGroupScaling(a *Account, r *Resource) *AWSError {
	sc := scalingConfig(r.Observed, "status", "atProvider")
	lo, okLo := number(sc["minSize"])
	hi, okHi := number(sc["maxSize"])
	want, okWant := number(sc["desiredSize"])
	if !okLo || !okHi || !okWant {
		return nil
	}
	op := "CreateNodegroup"
	if r.updating {
		op = "UpdateNodegroupConfig"
	}
	msgs := a.Facts.EKS.NodeGroupScaling
	switch {
	case want < lo:
		return awsErr("eks-nodegroup-scaling", op, "InvalidParameterException", msgs.MinAboveDesired, int(lo), int(want))
	case want > hi:
		return awsErr("eks-nodegroup-scaling", op, "InvalidParameterException", "%s", msgs.DesiredAboveMax)
	}
	return nil
}

// eksNodeGroupLaunchTemplate: a node group's launch template must exist, at
// a version it has, without the settings EKS refuses in a managed node
// group's template, and the node group must not set what the template then
// owns (facts.EKS.NodeLaunchTemplate).
func eksNodeGroupLaunchTemplate(a *Account, r *Resource) *AWSError {
	lts, _, _ := unstructured.NestedSlice(r.Observed.Object, "spec", "forProvider", "launchTemplate")
	if len(lts) == 0 {
		return nil
	}
	m, _ := lts[0].(map[string]any)
	id, _ := m["id"].(string)
	name, _ := m["name"].(string)
	version, _ := m["version"].(string)
	if id != "" && name != "" {
		return awsErr("eks-nodegroup-launch-template", "CreateNodegroup", "InvalidParameterException", "Either provide launch template ID or launch template name in the request.")
	}
	lt := a.launchTemplateOf(r)
	if lt == nil || lt.State != StateAvailable {
		return awsErr("eks-nodegroup-launch-template", "CreateNodegroup", "InvalidParameterException", "Launch template %s%s does not exist", id, name)
	}
	latest, _, _ := unstructured.NestedFloat64(lt.Observed.Object, "status", "atProvider", "latestVersion")
	if n, err := strconv.Atoi(version); version != "" && (err != nil || n < 1 || float64(n) > latest) {
		return awsErr("eks-nodegroup-launch-template", "CreateNodegroup", "InvalidParameterException", "Launch template %s has no version %s (latest %v)", lt.ExternalName(), version, latest)
	}
	f := a.Facts.EKS.NodeLaunchTemplate
	for _, path := range f.Prohibited {
		if has(lt.Observed, "spec.forProvider."+path) {
			return awsErr("eks-nodegroup-launch-template", "CreateNodegroup", "InvalidParameterException", "Launch template %s should not specify %s for a managed node group", lt.ExternalName(), path)
		}
	}
	for _, path := range f.ProhibitedOnNodeGroup {
		if has(r.Observed, "spec.forProvider."+path) {
			return awsErr("eks-nodegroup-launch-template", "CreateNodegroup", "InvalidParameterException", "%s must not be specified with a launch template", path)
		}
	}
	if has(lt.Observed, "spec.forProvider.instanceType") && has(r.Observed, "spec.forProvider.instanceTypes") {
		return awsErr("eks-nodegroup-launch-template", "CreateNodegroup", "InvalidParameterException", "Instance type is specified in both the launch template and the node group")
	}
	return nil
}

// has reports whether a dotted path (lists step into their first element)
// is set.
func has(u *unstructured.Unstructured, path string) bool {
	var cur any = u.Object
	for _, part := range strings.Split(path, ".") {
		if l, ok := cur.([]any); ok {
			if len(l) == 0 {
				return false
			}
			cur = l[0]
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[part]; !ok || cur == nil {
			return false
		}
	}
	return true
}

func eksVersion(a *Account, r *Resource) *AWSError {
	v := fp(r.Observed, "version")
	if v == "" {
		return nil // EKS picks its default.
	}
	if _, ok := a.Facts.EKS.Version(v); !ok {
		var known []string
		for _, k := range a.Facts.EKS.Versions {
			known = append(known, k.Version)
		}
		return awsErr("eks-version", "CreateCluster", "InvalidParameterException", "unsupported Kubernetes version %s (EKS offers %s)", v, strings.Join(known, ", "))
	}
	return nil
}

// eksZones: the control plane needs subnets in two zones. (Zones EKS does
// not support are zone IDs, which map to names per account: not modelled.)
func eksZones(a *Account, r *Resource) *AWSError {
	zones := map[string]bool{}
	for _, s := range a.refTargets(r, "subnetIds") {
		zones[fp(s.Observed, "availabilityZone")] = true
	}
	if len(a.refTargets(r, "subnetIds")) > 0 && len(zones) < 2 {
		return awsErr("eks-zones", "CreateCluster", "InvalidParameterException", "Subnets specified must be in at least two different AZs")
	}
	return nil
}

// clusterOf is the EKS cluster a resource's clusterName resolved to.
func (a *Account) clusterOf(r *Resource) *Resource {
	if c := a.refTarget(r, "clusterName"); c != nil {
		return c
	}
	if n := fp(r.Observed, "clusterName"); n != "" {
		return a.byExternalName(gk("eks", "Cluster"), n)
	}
	return nil
}

func eksAddonVersion(a *Account, r *Resource) *AWSError {
	want := fp(r.Observed, "addonVersion")
	c := a.clusterOf(r)
	if want == "" || c == nil {
		return nil
	}
	cv := fp(c.Observed, "version")
	kv, ok := a.Facts.EKS.Version(cv)
	if !ok || len(kv.Addons) == 0 {
		return nil // No add-on table for this minor in the facts yet.
	}
	name := fp(r.Observed, "addonName")
	if kv.Addons[name] != want {
		return awsErr("eks-addon-version", "CreateAddon", "InvalidParameterException",
			"Addon version specified is not supported: %s %s on Kubernetes %s (facts.EKS lists %q)", name, want, cv, kv.Addons[name])
	}
	return nil
}

func eksNodeGroupVersion(a *Account, r *Resource) *AWSError {
	v := fp(r.Observed, "version")
	c := a.clusterOf(r)
	if v == "" || c == nil {
		return nil
	}
	cv := fp(c.Observed, "version")
	if minor(v) > minor(cv) {
		return awsErr("eks-nodegroup-version", "CreateNodegroup", "InvalidParameterException",
			"Requested Nodegroup version %s is invalid: a node group cannot be newer than its cluster's control plane (%s)", v, cv)
	}
	return nil
}

// minor of "1.33" is 33 (-1 if unparsable).
func minor(v string) int {
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return -1
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return -1
	}
	return n
}
