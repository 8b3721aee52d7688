package cluster

import (
	"fmt"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/internal/facts"
)

// Kubernetes versions: EKS upgrades a control plane one minor at a time and
// never downgrades it, and a managed node group may never run a newer minor
// than its control plane. The claim's XRD refuses a change of more than one
// minor (a CEL transition rule); these rules also hold when the default
// moves or the XCluster is written by hand.

// runningVersion is the control plane version AWS reports, empty before the
// cluster exists.
func (c *cluster) runningVersion() string {
	return c.s.ObservedString(compCluster, "status.atProvider.version")
}

// planVersions decides the control plane version to compose: the asked
// version when it is the running one or the next minor; the next minor when
// the asked one is further ahead (EKS upgrades one minor at a time, so the
// function steps there, one upgrade per reconcile that sees the last one
// done: a package upgrade that moves the default needs no manual step); the
// running one when the asked one is older (EKS cannot downgrade; under the
// STANDARD policy EKS itself upgrades a cluster at the end of standard
// support), or while a node group still runs an older minor: EKS refuses
// UpdateClusterVersion until every node group runs the control plane's
// (facts eks.yaml nodeGroupsMatchBeforeUpgrade), so a step waits for the
// node groups to follow the last one.
func (c *cluster) planVersions(xr *compose.XR) {
	c.version = c.p.Version
	running := c.runningVersion()
	if running == "" {
		return
	}
	want, errW := facts.Minor(c.p.Version)
	have, errH := facts.Minor(running)
	if errW != nil || errH != nil {
		return
	}
	switch {
	case want > have && c.nodeGroupBehind(running) != "":
		c.version = running
		xr.Warn(fmt.Sprintf("spec.parameters.version: the control plane runs %s and node group %s has not caught up yet: the upgrade to %s waits for it (EKS upgrades a control plane only once every node group runs its version)",
			running, c.nodeGroupBehind(running), c.p.Version))
	case want > have+1:
		c.version = fmt.Sprintf("1.%d", have+1)
		xr.Warn(fmt.Sprintf("spec.parameters.version: the cluster runs Kubernetes %s and EKS upgrades one minor at a time: upgrading to %s now, then on to %s once the cluster reports %s",
			running, c.version, c.p.Version, c.version))
	case want < have:
		c.version = running
	}
}

// nodeGroupBehind names a node group that reports a version other than the
// control plane's, "" if none does (one not reported yet is not behind).
func (c *cluster) nodeGroupBehind(running string) string {
	for _, ng := range c.p.NodeGroups {
		if v := c.s.ObservedString(nodeGroupComponent(ng.Name), "status.atProvider.version"); v != "" && v != running {
			return ng.Name
		}
	}
	return ""
}

// dataPlaneVersion is the version of the node groups and add-ons: the
// running control plane's, so that during an upgrade they follow it only
// once AWS reports it done; the composed one before the cluster exists.
func (c *cluster) dataPlaneVersion() string {
	if v := c.runningVersion(); v != "" {
		return v
	}
	return c.version
}
