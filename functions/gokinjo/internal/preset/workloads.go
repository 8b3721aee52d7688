package preset

import "github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"

// DefaultAppVersion is the image tag of the API and the frontend unless the
// claim names another one. Never latest: a tag names one build.
const DefaultAppVersion = "v0.1.0"

// Workloads is the workloads layer's part of a preset.
type Workloads struct {
	API, Frontend App
}

// App is the preset of one app deployment: replicas, autoscaling range and
// resources.
type App struct {
	Replicas, MinReplicas, MaxReplicas               int
	CPURequest, MemoryRequest, CPULimit, MemoryLimit string
}

// workloadsPresets follow the strategy's manifests: prod runs the API at 2
// replicas with 500m/512Mi requests and 1 CPU/1Gi limits, the frontend at 3
// (HPA 3-10) with 250m/256Mi and 500m/512Mi. Dev runs one of each on half
// the resources; staging runs prod's resources on fewer replicas.
var workloadsPresets = map[string]Workloads{
	v1alpha1.EnvDev: {
		API:      App{Replicas: 1, MaxReplicas: 3, CPURequest: "250m", MemoryRequest: "256Mi", CPULimit: "500m", MemoryLimit: "512Mi"},
		Frontend: App{Replicas: 1, MaxReplicas: 3, CPURequest: "100m", MemoryRequest: "128Mi", CPULimit: "250m", MemoryLimit: "256Mi"},
	},
	v1alpha1.EnvStaging: {
		API:      App{Replicas: 2, MaxReplicas: 5, CPURequest: "500m", MemoryRequest: "512Mi", CPULimit: "1", MemoryLimit: "1Gi"},
		Frontend: App{Replicas: 2, MaxReplicas: 6, CPURequest: "250m", MemoryRequest: "256Mi", CPULimit: "500m", MemoryLimit: "512Mi"},
	},
	v1alpha1.EnvProd: {
		API:      App{Replicas: 2, MaxReplicas: 10, CPURequest: "500m", MemoryRequest: "512Mi", CPULimit: "1", MemoryLimit: "1Gi"},
		Frontend: App{Replicas: 3, MaxReplicas: 10, CPURequest: "250m", MemoryRequest: "256Mi", CPULimit: "500m", MemoryLimit: "512Mi"},
	},
}

// WorkloadsObserved is what the environment has observed of the other
// layers; every field is empty until observed.
type WorkloadsObserved struct {
	Cluster  v1alpha1.ClusterInput
	Database v1alpha1.DBInput
	// Repositories maps an app (api, frontend) to its ECR repository URL.
	Repositories map[string]string
	Buckets      map[string]string
}

// ResolveWorkloads resolves the workloads layer's parameters: claim
// override, else preset, else package default, plus what is observed of the
// other layers. It does not validate: the workloads layer does.
func ResolveWorkloads(owner v1alpha1.Owner, vpcCIDR string, o *v1alpha1.WorkloadsOverrides, obs WorkloadsObserved) v1alpha1.WorkloadsParameters {
	pre := workloadsPresets[owner.Environment]
	if o == nil {
		o = &v1alpha1.WorkloadsOverrides{}
	}
	version := or(o.Version, DefaultAppVersion)
	return v1alpha1.WorkloadsParameters{
		Owner:          owner,
		Namespace:      AppNamespace(owner.Environment),
		ClusterName:    ClusterName(owner),
		VPCCIDR:        vpcCIDR,
		Version:        version,
		CertificateARN: o.CertificateARN,
		API:            app(pre.API, o.API, version, obs.Repositories["api"]),
		Frontend:       app(pre.Frontend, o.Frontend, version, obs.Repositories["frontend"]),
		Cluster:        obs.Cluster,
		Database:       obs.Database,
		Buckets:        obs.Buckets,
	}
}

func app(pre App, o *v1alpha1.AppOverrides, version, repository string) v1alpha1.AppParams {
	if o == nil {
		o = &v1alpha1.AppOverrides{}
	}
	return v1alpha1.AppParams{
		Image:         or(o.Image, repository),
		Tag:           or(o.Tag, version),
		Replicas:      orInt(o.Replicas, pre.Replicas),
		MaxReplicas:   orInt(o.MaxReplicas, pre.MaxReplicas),
		CPURequest:    pre.CPURequest,
		MemoryRequest: pre.MemoryRequest,
		CPULimit:      pre.CPULimit,
		MemoryLimit:   pre.MemoryLimit,
	}
}
