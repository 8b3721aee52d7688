package workloads

import (
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// App names, ports and the HPA targets of the strategy's manifests.
const (
	apiName      = "gokinjo-api"
	frontendName = "gokinjo-frontend"
	apiPort      = 8081
	frontendPort = 3001

	// healthPath is where both servers answer health checks: the probes'
	// and each Service's ALB target group's.
	healthPath = "/healthz"

	cpuTargetPercent    = 70
	memoryTargetPercent = 80
)

// Components of one app.
func deploymentComp(app string) string { return app + "-deployment" }
func serviceComp(app string) string    { return app + "-service" }
func hpaComp(app string) string        { return app + "-hpa" }
func pdbComp(app string) string        { return app + "-pdb" }

// image is repository:tag, or "" until the repository is known.
func image(a v1alpha1.AppParams) string {
	if a.Image == "" {
		return ""
	}
	return a.Image + ":" + a.Tag
}

// selector labels of an app's pods.
func selector(name string) map[string]string {
	return map[string]string{"app.kubernetes.io/name": name}
}

// podLabels are the labels of an app's pods: the selector plus what the
// network policies and the ServiceMonitor select on.
func (w *workloads) podLabels(name string) map[string]string {
	return map[string]string{"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "gokinjo"}
}

// api composes the API Deployment, Service, HPA and PDB. The Deployment
// runs the image the migration Job has migrated the schema for: it waits for
// the Job, and while a new version's Job runs, keeps the image it runs.
func (w *workloads) api() error {
	img := image(w.p.API)
	if img == "" {
		w.s.Wait("the API image repository (XDataLake status.repositories)")
		return nil
	}
	if !w.migrated() {
		what := "the schema migration Job to complete"
		if st := w.migrationState(); st != "" {
			what += ": " + st
		}
		img = w.observedImage(deploymentComp("api"))
		if img == "" {
			w.s.Wait(what)
			return nil
		}
		// The API keeps the version it runs; the XR (and the claim) is not
		// ready while the new tag's migration has not completed, and says
		// why once the Job is stuck or failed.
		if img != image(w.p.API) {
			w.s.Wait(what)
		}
	}
	env := []corev1.EnvVar{{Name: "DATABASE_URL", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: DBSecretName}, Key: "database-url",
	}}}}
	c := corev1.Container{
		Name:  "api",
		Image: img,
		EnvFrom: []corev1.EnvFromSource{
			{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: ConfigMapName}}},
			{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: DBSecretName}}},
		},
		Env:            env,
		LivenessProbe:  httpProbe(healthPath, 10, 10),
		ReadinessProbe: httpProbe("/readyz", 5, 5),
	}
	return w.app(appSpec{App: "api", Name: apiName, Port: apiPort, ServiceAccount: APIServiceAccount, DBClient: true}, w.p.API, c)
}

// frontend composes the frontend Deployment, Service, HPA and PDB. It moves
// with the API: while the API's new tag is not migrated (and after a failed
// migration) a running frontend keeps its image, so a release never pairs a
// new frontend with the previous API.
func (w *workloads) frontend() error {
	img := image(w.p.Frontend)
	if img == "" {
		w.s.Wait("the frontend image repository (XDataLake status.repositories)")
		return nil
	}
	if running := w.observedImage(deploymentComp("frontend")); running != "" && !w.migrated() {
		img = running
	}
	c := corev1.Container{
		Name:  "frontend",
		Image: img,
		// services/web serves /healthz on 3001 (issue 19).
		LivenessProbe:  httpProbe(healthPath, 10, 10),
		ReadinessProbe: httpProbe(healthPath, 5, 5),
	}
	return w.app(appSpec{App: "frontend", Name: frontendName, Port: frontendPort}, w.p.Frontend, c)
}

// httpProbe probes a path on the container's http port.
func httpProbe(path string, delay, period int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler:        corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromString("http")}},
		InitialDelaySeconds: delay,
		PeriodSeconds:       period,
		TimeoutSeconds:      3,
		FailureThreshold:    3,
	}
}

// An appSpec is what sets one app apart from the other.
type appSpec struct {
	// App prefixes the app's components; Name is its Deployment, Service,
	// HPA and PDB, and selects its pods.
	App, Name string
	// Port is the container's and the Service's http port.
	Port int32
	// ServiceAccount runs the pods, with its token mounted; "" runs them
	// without one. The API's is the only one (serviceAccounts).
	ServiceAccount string
	// DBClient pods read the database Secret and the network policies let
	// them reach the database.
	DBClient bool
}

// The stop sequence of an app pod behind the ALB: sleep in preStop while
// the target deregisters, then SIGTERM and the server's graceful shutdown.
const (
	preStopSleepSeconds     = 15
	terminationGraceSeconds = 45
)

// app composes the Deployment, Service, HPA and PDB of one app; c is its
// container without the settings every container shares.
func (w *workloads) app(a appSpec, p v1alpha1.AppParams, c corev1.Container) error {
	app, name, serviceAccount := a.App, a.Name, a.ServiceAccount
	c.Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: a.Port, Protocol: corev1.ProtocolTCP}}
	vol, mount := tmpVolume()
	c.Resources = resources(p.CPURequest, p.MemoryRequest, p.CPULimit, p.MemoryLimit)
	c.SecurityContext = containerSecurity()
	c.VolumeMounts = append(c.VolumeMounts, mount)
	c.ImagePullPolicy = corev1.PullIfNotPresent
	// A stopping pod keeps serving while the ALB deregisters it: the load
	// balancer controller removes the target only after the endpoint goes,
	// and the ALB sends to it until then. The images have no shell, so the
	// kubelet's own sleep action (beta, on by default since Kubernetes 1.30,
	// GA in 1.34; EKS offers 1.32 on) holds the pod before SIGTERM.
	c.Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: preStopSleepSeconds}}}

	replicas := int32(p.Replicas) // Validated: 1 <= replicas <= maxReplicas.
	spec := corev1.PodSpec{
		ServiceAccountName:           serviceAccount,
		AutomountServiceAccountToken: ptr(serviceAccount != ""),
		SecurityContext:              podSecurity(),
		// The grace period runs from the preStop sleep on and must cover
		// it plus the servers' own shutdown (the API's SHUTDOWN_TIMEOUT
		// default 20 s, the frontend's 10 s).
		TerminationGracePeriodSeconds: ptr(int64(terminationGraceSeconds)),
		Containers:                    []corev1.Container{c},
		Volumes:                       []corev1.Volume{vol},
		TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{
			MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone",
			WhenUnsatisfiable: corev1.ScheduleAnyway,
			LabelSelector:     &metav1.LabelSelector{MatchLabels: selector(name)},
		}},
	}
	// No spec.replicas: the HPA below owns the count (minReplicas is the
	// app's replicas). Once the HPA scales through /scale, the API server
	// takes the field from provider-kubernetes' field manager, whose
	// server-side apply would then force it back to the manifest's value on
	// its next sync, undoing every scale-up (Kubernetes' HPA docs,
	// "Migrating Deployments and StatefulSets to horizontal autoscaling").
	d := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: w.meta(name),
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: selector(name)},
			Strategy: appsv1.DeploymentStrategy{
				Type: appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{
					MaxUnavailable: ptr(intstr.FromInt32(0)), MaxSurge: ptr(intstr.FromInt32(1)),
				},
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: w.podLabels(name)},
				Spec:       spec,
			},
		},
	}
	if a.DBClient {
		d.Spec.Template.Labels = dbClient(d.Spec.Template.Labels)
	}
	deps := []reference{{DependsOn: w.objectName(compConfig)}}
	if serviceAccount != "" {
		deps = append(deps, reference{DependsOn: w.objectName(compAPISA)})
	}
	if a.DBClient {
		deps = append(deps, reference{DependsOn: w.objectName(compDBSecret)})
	}
	if err := w.object(deploymentComp(app), d, readyAvailable, deps...); err != nil {
		return err
	}

	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: w.meta(name),
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: selector(name),
			Ports:    []corev1.ServicePort{{Name: "http", Port: a.Port, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP}},
		},
	}
	svc.Labels = selector(name)
	// The ALB health check is set per Service (the controller reads target
	// group annotations from the Service before the Ingress): each target
	// group checks its own server's health path.
	svc.Annotations = map[string]string{albPrefix + "healthcheck-path": healthPath}
	if err := w.object(serviceComp(app), svc, "", reference{DependsOn: w.objectName(compNamespace)}); err != nil {
		return err
	}

	hpa := &autoscalingv2.HorizontalPodAutoscaler{
		TypeMeta:   metav1.TypeMeta{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler"},
		ObjectMeta: w.meta(name),
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: name},
			MinReplicas:    &replicas,
			MaxReplicas:    int32(p.MaxReplicas), // Validated.
			Metrics: []autoscalingv2.MetricSpec{
				utilization(corev1.ResourceCPU, cpuTargetPercent),
				utilization(corev1.ResourceMemory, memoryTargetPercent),
			},
		},
	}
	if err := w.object(hpaComp(app), hpa, "", reference{DependsOn: w.objectName(deploymentComp(app))}); err != nil {
		return err
	}

	// maxUnavailable 1 keeps one pod up during drains once there are two,
	// and never blocks a drain of a single-replica dev deployment.
	pdb := &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: w.meta(name),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: ptr(intstr.FromInt32(1)),
			Selector:       &metav1.LabelSelector{MatchLabels: selector(name)},
		},
	}
	return w.object(pdbComp(app), pdb, "", reference{DependsOn: w.objectName(compNamespace)})
}

func utilization(r corev1.ResourceName, percent int32) autoscalingv2.MetricSpec {
	return autoscalingv2.MetricSpec{
		Type: autoscalingv2.ResourceMetricSourceType,
		Resource: &autoscalingv2.ResourceMetricSource{
			Name:   r,
			Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &percent},
		},
	}
}

// observedImage is the image the observed Deployment Object of a component
// runs, or "".
func (w *workloads) observedImage(comp string) string {
	return w.s.ObservedString(comp, "spec.forProvider.manifest.spec.template.spec.containers[0].image")
}

// labelDBClient marks the pods the network policies let reach the database.
const labelDBClient = "platform.gokinjo.io/database-client"

func dbClient(l map[string]string) map[string]string {
	l[labelDBClient] = "true"
	return l
}
