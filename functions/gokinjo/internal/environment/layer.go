// Package environment composes an XEnvironment, the XR behind an Environment
// claim: it resolves the preset with the claim's overrides and composes one
// nested XR per layer, wired by labels: each on the first reconcile, except
// the workloads XR, composed once the cluster layer reports the ProviderConfig
// it needs (see layers.go).
package environment

import (
	"context"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// LayerName is the value of the layer label.
const LayerName = "environment"

// Layer composes XEnvironments.
type Layer struct{}

// Compose implements the layer.
func (Layer) Compose(_ context.Context, xr *compose.XR, s *compose.State) error {
	var p v1alpha1.EnvironmentParameters
	if err := xr.Parameters(&p); err != nil {
		return err
	}
	prefix, err := namePrefix(xr, s, p)
	if err != nil {
		return err
	}
	observed, err := observedStatuses(s)
	if err != nil {
		return err
	}
	r, err := resolve(xr.Name(), prefix, p, clusterSecurityGroupID(xr, observed))
	if err != nil {
		return err
	}
	if yieldToEarlier(xr, s, r.Cluster.AccessEntries) {
		return nil
	}
	if err := keepData(s, r.Database, r.DataLake); err != nil {
		return err
	}
	keepBucketGrants(&r, observed)
	b, err := checkBudget(xr, s, p, &r)
	if err != nil {
		return err
	}
	e := &env{p: p, r: r, observed: observed}
	if _, err := s.ObservedInto(compWorkloads, "spec.parameters", &e.workloadsKept); err != nil {
		return err
	}
	for _, l := range nestedLayers {
		if b.skip[l.comp] || !l.composable(e, s) {
			continue
		}
		params, err := l.params(e)
		if err != nil {
			return err
		}
		if err := nested(s, l.comp, l.kind, r.Owner, params); err != nil {
			return err
		}
	}

	st := observed
	st.Cost, st.NamePrefix = b.status, naming.Prefix(r.Owner)
	return xr.SetStatus(st)
}
