// Package environment composes an XEnvironment, the XR behind an Environment
// claim: it resolves the preset with the claim's overrides and composes one
// nested XR per layer, all on the first reconcile, wired by labels.
package environment

import (
	"context"
	"fmt"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/network"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// LayerName is the value of the layer label.
const LayerName = "environment"

// Composition resource names of the nested layers.
const (
	compNetwork = "network"
	compCluster = "cluster"
)

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
	r, err := resolve(xr.Name(), prefix, p, clusterSecurityGroupID(xr, s))
	if err != nil {
		return err
	}
	if err := keepData(s, r.Database, r.DataLake); err != nil {
		return err
	}
	b, err := checkBudget(xr, s, p, &r)
	if err != nil {
		return err
	}
	for _, l := range []struct {
		comp, kind string
		params     any
	}{
		{compNetwork, v1alpha1.KindNetwork, r.Network},
		{compCluster, v1alpha1.KindCluster, r.Cluster},
		{compDatabase, v1alpha1.KindDatabase, r.Database},
		{compDataLake, v1alpha1.KindDataLake, r.DataLake},
	} {
		if b.skip[l.comp] {
			continue
		}
		if err := nested(s, l.comp, l.kind, r.Owner, l.params); err != nil {
			return err
		}
	}

	if !b.skip[compWorkloads] {
		if err := workloadsLayer(s, r.Owner, r.Network.CIDR, p.Workloads); err != nil {
			return err
		}
	}

	st := v1alpha1.EnvironmentStatus{Cost: b.status, NamePrefix: naming.Prefix(r.Owner)}
	var ns v1alpha1.NetworkStatus
	if ok, err := s.ObservedInto(compNetwork, "status", &ns); err != nil {
		return err
	} else if ok {
		st.Network = &ns
	}
	var cs v1alpha1.ClusterStatus
	if ok, err := s.ObservedInto(compCluster, "status", &cs); err != nil {
		return err
	} else if ok {
		st.Cluster = &cs
	}
	if err := dataStatus(s, &st); err != nil {
		return err
	}
	if err := workloadsStatus(s, &st); err != nil {
		return err
	}
	return xr.SetStatus(st)
}

// validateRegion checks the zones against the region: the default zones are
// Tokyo's, so another region must name its own.
func validateRegion(region string, o *v1alpha1.NetworkOverrides) error {
	if err := network.ValidateRegion(region, "spec.parameters.region"); err != nil {
		return err
	}
	if o == nil || len(o.AvailabilityZones) == 0 {
		if region != preset.DefaultRegion {
			return fmt.Errorf("spec.parameters.network.availabilityZones: region %s needs its zones listed (the defaults are %s's)", region, preset.DefaultRegion)
		}
		return nil
	}
	return network.ValidateZones(region, o.AvailabilityZones, "spec.parameters.network.availabilityZones")
}

// nested composes a nested XR of a layer with its resolved parameters.
func nested(s *compose.State, comp, kind string, owner v1alpha1.Owner, params any) error {
	content := map[string]any{
		"apiVersion": v1alpha1.APIVersion,
		"kind":       kind,
		"spec":       map[string]any{"parameters": params},
	}
	c, err := compose.ToContent(content)
	if err != nil {
		return err
	}
	return s.AddUnstructured(comp, c, naming.Labels(owner, LayerName, comp))
}
