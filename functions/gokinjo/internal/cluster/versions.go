package cluster

import (
	"fmt"

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
// version when it is the running one or the next minor; the running one when
// the asked one is older (EKS cannot downgrade; under the STANDARD policy EKS
// itself upgrades a cluster at the end of standard support). Asking for more
// than one minor ahead is refused before anything is composed.
func (c *cluster) planVersions() error {
	c.version = c.p.Version
	running := c.runningVersion()
	if running == "" {
		return nil
	}
	want, errW := facts.Minor(c.p.Version)
	have, errH := facts.Minor(running)
	if errW != nil || errH != nil {
		return nil
	}
	switch {
	case want > have+1:
		return fmt.Errorf("spec.parameters.version: the cluster runs Kubernetes %s and EKS upgrades one minor at a time, so %s cannot be applied: set the claim's spec.parameters.cluster.version to 1.%d, then to %s once the cluster reports 1.%d",
			running, c.p.Version, have+1, c.p.Version, have+1)
	case want < have:
		c.version = running
	}
	return nil
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
