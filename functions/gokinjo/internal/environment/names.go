package environment

import (
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// namePrefix is the prefix of every name of the environment
// (docs/naming.md). An existing environment keeps the one its nested XRs
// already carry: the network layer (like every AWS layer) is composed on
// the first reconcile, so one exists from then on. A nested XR without one
// was composed before names were unique per claim: its environment keeps
// gokinjo-<env>, so the upgrade renames and replaces nothing. A new environment gets
// gokinjo-<env>-<hash of its claim and region>.
func namePrefix(xr *compose.XR, s *compose.State, p v1alpha1.EnvironmentParameters) (string, error) {
	for _, l := range nestedLayers {
		if !s.ObservedExists(l.comp) {
			continue
		}
		var o v1alpha1.Owner
		ok, err := s.ObservedInto(l.comp, "spec.parameters", &o)
		if err != nil {
			return "", err
		}
		if !ok {
			continue
		}
		if o.NamePrefix != "" {
			return o.NamePrefix, nil
		}
		return naming.LegacyPrefix(p.Environment), nil
	}
	region := preset.Owner(xr.Name(), p).Region
	return naming.NewPrefix(p.Environment, naming.IdentityOf(xr.Name(), xr.Labels(), region)), nil
}
