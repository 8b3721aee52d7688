package preset

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func TestResolveWorkloads(t *testing.T) {
	repos := map[string]string{"api": "r/gokinjo-prod-api", "frontend": "r/gokinjo-prod-frontend"}
	three, four := 3, 4
	cases := map[string]struct {
		reason        string
		env           string
		o             *v1alpha1.WorkloadsOverrides
		api, frontend v1alpha1.AppParams
	}{
		"Prod": {
			reason:   "The strategy's manifests: API 2 replicas 500m/512Mi to 1/1Gi, frontend 3-10 at 250m/256Mi to 500m/512Mi.",
			env:      v1alpha1.EnvProd,
			api:      v1alpha1.AppParams{Image: "r/gokinjo-prod-api", Tag: "v0.1.0", Replicas: 2, MaxReplicas: 10, CPURequest: "500m", MemoryRequest: "512Mi", CPULimit: "1", MemoryLimit: "1Gi"},
			frontend: v1alpha1.AppParams{Image: "r/gokinjo-prod-frontend", Tag: "v0.1.0", Replicas: 3, MaxReplicas: 10, CPURequest: "250m", MemoryRequest: "256Mi", CPULimit: "500m", MemoryLimit: "512Mi"},
		},
		"DevOverrides": {
			reason:   "Claim values win: version for both, tag and sizes per app.",
			env:      v1alpha1.EnvDev,
			o:        &v1alpha1.WorkloadsOverrides{Version: "v2.0.0", API: &v1alpha1.AppOverrides{Image: "ghcr.io/x/api", Tag: "v2.0.1", Replicas: &three, MaxReplicas: &four}},
			api:      v1alpha1.AppParams{Image: "ghcr.io/x/api", Tag: "v2.0.1", Replicas: 3, MaxReplicas: 4, CPURequest: "250m", MemoryRequest: "256Mi", CPULimit: "500m", MemoryLimit: "512Mi"},
			frontend: v1alpha1.AppParams{Image: "r/gokinjo-prod-frontend", Tag: "v2.0.0", Replicas: 1, MaxReplicas: 3, CPURequest: "100m", MemoryRequest: "128Mi", CPULimit: "250m", MemoryLimit: "256Mi"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			owner := Owner("x", v1alpha1.EnvironmentParameters{Environment: tc.env})
			p := ResolveWorkloads(owner, Presets[tc.env], v1alpha1.EnvironmentParameters{Workloads: tc.o})
			WorkloadsObserved{Repositories: repos}.Fill(&p)
			if diff := cmp.Diff(tc.api, p.API); diff != "" {
				t.Errorf("%s\napi (-want +got):\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.frontend, p.Frontend); diff != "" {
				t.Errorf("%s\nfrontend (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}
