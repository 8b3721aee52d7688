package workloads

import (
	"testing"

	"github.com/crossplane/function-sdk-go/resource/composite"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

const testXR = "gokinjo-abcde-w0rk1"

// known is everything the other layers report once they are ready.
func known(env string) preset.WorkloadsObserved {
	ns := preset.AppNamespace(env)
	role := func(n string) string { return "arn:aws:iam::123456789012:role/gokinjo-" + env + "-irsa-" + n }
	return preset.WorkloadsObserved{
		Cluster: v1alpha1.ClusterInput{
			ProviderConfigName: "gokinjo-" + env,
			Version:            facts.EKS.DefaultVersion,
			ServiceAccountRoleARNs: map[string]string{
				"kube-system/cluster-autoscaler":           role("cluster-autoscaler"),
				"kube-system/aws-load-balancer-controller": role("aws-load-balancer-controller"),
				ns + "/airflow-worker":                     role("airflow-worker"),
				ns + "/airflow-scheduler":                  role("airflow-scheduler"),
			},
		},
		Database: v1alpha1.DBInput{
			Address: "gokinjo-" + env + ".abc.ap-northeast-1.rds.amazonaws.com", Port: 5432,
			ConnectionSecret: &v1alpha1.SecretReference{Name: "gokinjo-" + env + "-db", Namespace: "crossplane-system"},
		},
		Repositories: map[string]string{
			"api":      "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/gokinjo-" + env + "-api",
			"frontend": "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/gokinjo-" + env + "-frontend",
		},
		Buckets: map[string]string{"raw": "gokinjo-raw-" + env, "processed": "gokinjo-processed-" + env, "curated": "gokinjo-curated-" + env},
	}
}

// params are the parameters the environment layer resolves for env with
// everything observed and no overrides, changed by mod.
func params(env string, obs preset.WorkloadsObserved, mod func(*v1alpha1.WorkloadsParameters)) v1alpha1.WorkloadsParameters {
	owner := preset.Owner("gokinjo-abcde", v1alpha1.EnvironmentParameters{Environment: env})
	p := preset.ResolveWorkloads(owner, preset.Presets[env], v1alpha1.EnvironmentParameters{Environment: env})
	obs.Fill(&p)
	p.VPCCIDR, p.VPCID = "10.0.0.0/16", "vpc-0123456789abcdef0"
	if mod != nil {
		mod(&p)
	}
	return p
}

// converge composes and simulates until the layer is composed.
func converge(t *testing.T, p v1alpha1.WorkloadsParameters) ([][]string, *compose.State, *composite.Unstructured) {
	t.Helper()
	rounds, last := composetest.Converge(t, Layer{}, v1alpha1.KindWorkloads, testXR, p)
	return rounds, last.State, last.DXR
}

// manifests returns the manifest of every desired Object, by component.
func manifests(s *compose.State) map[string]map[string]any {
	out := map[string]map[string]any{}
	for name, d := range s.Desired() {
		if d.Resource.GetKind() != objectGVK.Kind {
			continue
		}
		m, err := d.Resource.GetValue("spec.forProvider.manifest")
		if err != nil {
			continue
		}
		out[string(name)] = m.(map[string]any)
	}
	return out
}
