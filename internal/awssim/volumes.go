package awssim

import (
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// EBS volumes at deletion (SIMULATED): a persistent volume of the EBS CSI
// driver's StorageClass is deleted (reclaim policy Delete) by the driver's
// controller once its claim goes. The claims go with the Release whose
// chart made them (helm uninstall; Prometheus's with its retention policy),
// with the namespace that holds them, or with their own Object. If the
// controller no longer runs then (its add-on, the nodes it runs on, its
// IRSA role and policy, the OIDC provider that role trusts), the volumes
// stay in AWS with nothing left to delete them.

// claimsDeletedWith are the volume claims deleting r deletes.
func (a *Account) claimsDeletedWith(r *Resource) []string {
	var out []string
	switch r.Kind {
	case kindRelease:
		for _, c := range releaseClaims(a, r.Observed) {
			out = append(out, c.what)
		}
	case kindObject:
		m := manifest(r.Observed)
		if m == nil {
			return nil
		}
		switch m.GetKind() {
		case "PersistentVolumeClaim", "StatefulSet":
			out = append(out, objectClaims(m)...)
		case "Namespace":
			for _, o := range a.sameEnv(r, kindObject) {
				if om := manifest(o.Observed); o != r && om != nil && om.GetNamespace() == m.GetName() {
					out = append(out, objectClaims(om)...)
				}
			}
			for _, rel := range a.sameEnv(r, kindRelease) {
				if fp(rel.Observed, "namespace") == m.GetName() {
					for _, c := range releaseClaims(a, rel.Observed) {
						out = append(out, c.what)
					}
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// objectClaims are the claims of a PersistentVolumeClaim or a StatefulSet's
// volumeClaimTemplates.
func objectClaims(m *unstructured.Unstructured) []string {
	id := m.GetKind() + " " + m.GetNamespace() + "/" + m.GetName()
	switch m.GetKind() {
	case "PersistentVolumeClaim":
		return []string{id}
	case "StatefulSet":
		if tpls, _, _ := unstructured.NestedSlice(m.Object, "spec", "volumeClaimTemplates"); len(tpls) > 0 {
			return []string{id}
		}
	}
	return nil
}

// ebsCSIRunning: the EBS CSI controller of r's environment can delete
// volumes now. Worst case: anything being deleted in the same pass that no
// Usage holds is gone already.
func (a *Account) ebsCSIRunning(r *Resource) bool {
	up := func(x *Resource) bool { return x.State == StateAvailable && !a.deleting[x.key] }
	addon := false
	for _, ad := range a.sameEnv(r, gkEKSAddon) {
		if fp(ad.Observed, "addonName") != ebsCSIAddon || !up(ad) {
			continue
		}
		role := a.refTarget(ad, "serviceAccountRoleArn")
		ok := role != nil && up(role)
		for _, p := range a.res {
			if role != nil && p.Kind == gkRolePolicyAttachment && a.refTarget(p, "role") == role && !up(p) {
				ok = false
			}
		}
		addon = addon || ok
	}
	oidc, nodes := false, false
	for _, p := range a.sameEnv(r, gkOIDCProvider) {
		oidc = oidc || up(p)
	}
	for _, ng := range a.sameEnv(r, gkNodeGroup) {
		nodes = nodes || up(ng)
	}
	return addon && oidc && nodes
}

var (
	gkEKSAddon             = gk("eks", "Addon")
	gkNodeGroup            = gk("eks", "NodeGroup")
	gkOIDCProvider         = gk("iam", "OpenIDConnectProvider")
	gkRolePolicyAttachment = gk("iam", "RolePolicyAttachment")
)

// deleteVolumes records the volumes deleting r leaves in AWS.
func (a *Account) deleteVolumes(r *Resource) {
	if claims := a.claimsDeletedWith(r); len(claims) > 0 && !a.ebsCSIRunning(r) {
		r.leakedVolumes = claims
	}
}
