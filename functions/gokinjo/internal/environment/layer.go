// Package environment composes an XEnvironment, the XR behind an Environment
// claim: it resolves the preset with the claim's overrides and composes one
// nested XR per layer, all on the first reconcile, wired by labels.
package environment

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cidrplan"
	"github.com/gokinjo/platform/functions/gokinjo/internal/cluster"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
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

// The XCluster holds the EKS cluster and every workload on it.
func init() { //nolint:gochecknoinits // Registry of the compose framework.
	compose.RegisterStateful(schema.GroupKind{Group: v1alpha1.Group, Kind: v1alpha1.KindCluster})
}

// Layer composes XEnvironments.
type Layer struct{}

// Compose implements the layer.
func (Layer) Compose(_ context.Context, xr *compose.XR, s *compose.State) error {
	var p v1alpha1.EnvironmentParameters
	if err := xr.Parameters(&p); err != nil {
		return err
	}
	pre, err := preset.For(p.Environment)
	if err != nil {
		return err
	}
	owner := preset.Owner(xr.Name(), p)
	if err := validateRegion(owner.Region, p.Network); err != nil {
		return err
	}
	net := preset.ResolveNetwork(owner, pre, p.Network)
	if _, err := cidrplan.Plan(net.CIDR, net.AvailabilityZones); err != nil {
		return fmt.Errorf("spec.parameters.%w", err)
	}

	cl := preset.ResolveCluster(owner, pre, p.Cluster)
	if err := cluster.ValidateClaim(cl); err != nil {
		return err
	}

	if err := nested(s, compNetwork, v1alpha1.KindNetwork, owner, net); err != nil {
		return err
	}
	if err := nested(s, compCluster, v1alpha1.KindCluster, owner, cl); err != nil {
		return err
	}
	if err := dataLayers(xr, s, owner, p); err != nil {
		return err
	}
	if err := workloadsLayer(s, owner, net.CIDR, p.Workloads); err != nil {
		return err
	}

	st := v1alpha1.EnvironmentStatus{}
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
	if o == nil || len(o.AvailabilityZones) == 0 {
		if region != preset.DefaultRegion {
			return fmt.Errorf("spec.parameters.network.availabilityZones: region %s needs its zones listed (the defaults are %s's)", region, preset.DefaultRegion)
		}
		return nil
	}
	seen := map[string]bool{}
	for _, z := range o.AvailabilityZones {
		if len(z) != len(region)+1 || z[:len(region)] != region {
			return fmt.Errorf("spec.parameters.network.availabilityZones: %q is not a zone of region %s: use names like %sa", z, region, region)
		}
		if seen[z] {
			return fmt.Errorf("spec.parameters.network.availabilityZones: %q is listed twice: list each zone once", z)
		}
		seen[z] = true
	}
	return nil
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
