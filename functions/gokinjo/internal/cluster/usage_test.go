package cluster

import (
	"testing"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// TestUsages: once converged, the roles EKS deletes with and their
// attachments are kept until the EKS cluster is gone, and what the EBS CSI
// controller runs with until its add-on is gone; every Usage selects a
// composed component of its kind (a Usage selecting nothing protects
// nothing).
func TestUsages(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			c := &cluster{p: params(t, env, nil)}
			_, s, _ := converge(t, c.p)
			want := map[string]string{}
			for _, of := range append(c.rolePermissions(), c.clusterDependencies()...) {
				want[naming.UsageComponent(of, compCluster)] = of
			}
			network := naming.UsageComponent("network", compCluster)
			want[network] = "network"
			for _, of := range c.ebsCSIDependencies() {
				want[naming.UsageComponent(of, addonComponent(addonEBSCSI))] = of
			}
			n := 0
			for name, d := range s.Desired() {
				if d.Resource.GetKind() != mr.ClusterUsageGVK.Kind {
					continue
				}
				n++
				if want[string(name)] == "" {
					t.Errorf("unexpected usage %s", name)
				}
				for _, side := range []string{"of", "by"} {
					if string(name) == network && side == "of" {
						// The environment's XNetwork, by its environment id.
						if k, _ := d.Resource.GetString("spec.of.kind"); k != v1alpha1.KindNetwork {
							t.Errorf("%s: of is a %s, want the XNetwork", name, k)
						}
						continue
					}
					comp, _ := d.Resource.GetString("spec." + side + ".resourceSelector.matchLabels[platform.gokinjo.io/component]")
					kind, _ := d.Resource.GetString("spec." + side + ".kind")
					target := s.Desired()[resource.Name(comp)]
					if target == nil || target.Resource.GetKind() != kind {
						t.Errorf("%s: %s selects %s %s, which is not composed", name, side, kind, comp)
					}
				}
			}
			// By the cluster: 2 roles + 4 attachments, the ClusterAuth, the
			// control-plane log group, 2 launch templates and the XNetwork;
			// by the EBS CSI add-on: the OIDC provider, 2 node groups, its
			// role and attachment.
			if n != len(want) || n != 16 {
				t.Errorf("%d usages, want %d (16)", n, len(want))
			}
			if want[naming.UsageComponent(compLogGroup, compCluster)] == "" {
				t.Error("the control-plane log group is not kept until the cluster is gone: EKS would create it again without retention")
			}
		})
	}
}
