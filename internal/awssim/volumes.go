package awssim

import (
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// EBS volumes at deletion (SIMULATED): a persistent volume of the EBS CSI
// driver's StorageClass is deleted (reclaim policy Delete) by the driver's
// controller once its claim goes. A claim goes with the Release whose chart
// made it as a plain PersistentVolumeClaim (helm uninstall), with its own
// Object, or with the namespace that holds it. A StatefulSet's
// volumeClaimTemplate claim (made by a chart, by an operator from a chart's
// custom resource, or by a StatefulSet Object) outlives the StatefulSet
// unless its persistentVolumeClaimRetentionPolicy.whenDeleted is Delete
// (Kubernetes' default is Retain): only its namespace's deletion takes it
// then. If the controller no longer runs when a claim goes (its add-on, the
// nodes it runs on, its IRSA role and policy, the OIDC provider that role
// trusts), or a claim is still there when the environment's deletion ends
// (the EKS cluster goes with it), its volume stays in AWS with nothing left
// to delete it.

// deleteClaims are the volume claims deleting r deletes now; it records on
// r those it leaves in the cluster (keptClaims).
func (a *Account) deleteClaims(r *Resource) []string {
	if r.claimsGone {
		return nil
	}
	var out []string
	switch r.Kind {
	case kindRelease:
		for _, c := range releaseClaims(a, r.Observed) {
			if c.kept {
				r.keptClaims = append(r.keptClaims, c.what)
				continue
			}
			out = append(out, c.what)
		}
		r.keptIn = fp(r.Observed, "namespace")
	case kindObject:
		m := manifest(r.Observed)
		if m == nil {
			return nil
		}
		switch m.GetKind() {
		case "PersistentVolumeClaim", "StatefulSet":
			claims, kept := objectClaims(m)
			if kept {
				r.keptClaims, r.keptIn = claims, m.GetNamespace()
				return nil
			}
			out = append(out, claims...)
		case "Namespace":
			out = a.namespaceClaims(r, m.GetName())
		}
	}
	sort.Strings(out)
	return out
}

// namespaceClaims: deleting the namespace ns deletes every claim in it:
// those of the Objects and releases in it still there, and those their
// deletion left.
func (a *Account) namespaceClaims(nsObj *Resource, ns string) []string {
	var out []string
	env := envOf(nsObj.Observed)
	for _, x := range a.res {
		if x == nsObj || envOf(x.Observed) != env || (x.Kind != kindObject && x.Kind != kindRelease) {
			continue
		}
		if x.gone() {
			if x.keptIn == ns {
				out = append(out, x.keptClaims...)
				x.keptClaims = nil
			}
			continue
		}
		switch x.Kind {
		case kindObject:
			if m := manifest(x.Observed); m != nil && m.GetNamespace() == ns {
				claims, _ := objectClaims(m)
				out = append(out, claims...)
				x.claimsGone = x.claimsGone || len(claims) > 0
			}
		case kindRelease:
			if fp(x.Observed, "namespace") == ns {
				for _, c := range releaseClaims(a, x.Observed) {
					out = append(out, c.what)
					x.claimsGone = true
				}
			}
		}
	}
	return out
}

// objectClaims are the claims of a PersistentVolumeClaim or a StatefulSet's
// volumeClaimTemplates, and whether deleting the object keeps them (a
// StatefulSet whose whenDeleted is not Delete).
func objectClaims(m *unstructured.Unstructured) ([]string, bool) {
	id := m.GetKind() + " " + m.GetNamespace() + "/" + m.GetName()
	switch m.GetKind() {
	case "PersistentVolumeClaim":
		return []string{id}, false
	case "StatefulSet":
		if tpls, _, _ := unstructured.NestedSlice(m.Object, "spec", "volumeClaimTemplates"); len(tpls) > 0 {
			policy, _, _ := unstructured.NestedString(m.Object, "spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted")
			return []string{id}, policy != retentionDelete
		}
	}
	return nil, false
}

// retentionDelete is the whenDeleted of a StatefulSet's
// persistentVolumeClaimRetentionPolicy that deletes its claims with it.
const retentionDelete = "Delete"

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
	oidc := false
	for _, p := range a.sameEnv(r, gkOIDCProvider) {
		oidc = oidc || up(p)
	}
	// The controller detaches and deletes volumes through the EC2 API.
	return addon && oidc && a.nodesReachAWS(r, up)
}

var (
	gkEKSAddon             = gk("eks", "Addon")
	gkClusterAuth          = gk("eks", "ClusterAuth")
	gkNodeGroup            = gk("eks", "NodeGroup")
	gkOIDCProvider         = gk("iam", "OpenIDConnectProvider")
	gkRolePolicyAttachment = gk("iam", "RolePolicyAttachment")
)

// deleteVolumes records the volumes deleting r leaves in AWS.
func (a *Account) deleteVolumes(r *Resource) {
	if claims := a.deleteClaims(r); len(claims) > 0 && !a.ebsCSIRunning(r) {
		r.leakedVolumes = claims
	}
}
