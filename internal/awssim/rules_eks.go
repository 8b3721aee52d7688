package awssim

import (
	"strconv"
	"strings"
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
