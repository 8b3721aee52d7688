package workloads

import (
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Components of the database set-up Jobs.
const (
	compMigrate       = "migrate-job"
	compAirflowDBInit = "airflow-db-job"

	// AirflowDatabase is Airflow's metadata database on the environment's
	// RDS instance.
	AirflowDatabase = "airflow"
	// psqlImage creates the Airflow database; pinned like every image.
	psqlImage = "public.ecr.aws/docker/library/postgres:15.8-alpine"
)

// jobName is a Job name with the version in it: a Job's pod template is
// immutable, so each version gets its own Job (the previous one stays as a
// record of that version's migration).
func jobName(prefix, tag string) string {
	t := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		default:
			return '-'
		}
	}, tag)
	n := prefix + "-" + t
	if len(n) > 63 {
		n = n[:63]
	}
	return strings.TrimRight(n, "-")
}

// dbEnv is the database settings of a container: the PG* variables and
// DATABASE_URL from the database Secret.
func dbEnv() ([]corev1.EnvFromSource, []corev1.EnvVar) {
	return []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: DBSecretName}}}},
		[]corev1.EnvVar{{Name: "DATABASE_URL", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: DBSecretName}, Key: "database-url",
		}}}}
}

// job is a run-to-completion Job with the layer's pod security settings.
func (w *workloads) job(name string, c corev1.Container) *batchv1.Job {
	vol, mount := tmpVolume()
	c.SecurityContext = containerSecurity()
	c.Resources = resources("100m", "128Mi", "500m", "256Mi")
	c.VolumeMounts = append(c.VolumeMounts, mount)
	c.EnvFrom, c.Env = dbEnv()
	return &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: w.meta(name),
		Spec: batchv1.JobSpec{
			BackoffLimit:          ptr(int32(4)),
			ActiveDeadlineSeconds: ptr(int64(900)),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: dbClient(w.podLabels(name))},
				Spec: corev1.PodSpec{
					RestartPolicy:                corev1.RestartPolicyNever,
					AutomountServiceAccountToken: ptr(false),
					SecurityContext:              podSecurity(),
					Containers:                   []corev1.Container{c},
					Volumes:                      []corev1.Volume{vol},
				},
			},
		},
	}
}

// migration composes the Job that runs the API image's idempotent migrate
// subcommand (schema and CREATE EXTENSION postgis) inside the cluster: RDS
// is private, the management cluster cannot reach it. It also composes the
// Job that creates Airflow's metadata database.
func (w *workloads) migration() error {
	if !w.dbReady() || !w.desired(compDBSecret) {
		return nil
	}
	deps := []reference{{DependsOn: w.objectName(compDBSecret)}}
	create := "SELECT 'CREATE DATABASE " + AirflowDatabase + "' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '" + AirflowDatabase + "')\\gexec"
	c := corev1.Container{
		Name:    "create-database",
		Image:   psqlImage,
		Command: []string{"sh", "-c", "echo \"$SQL\" | psql -v ON_ERROR_STOP=1"},
	}
	j := w.job("airflow-db-init", c)
	j.Spec.Template.Spec.Containers[0].Env = append(j.Spec.Template.Spec.Containers[0].Env, corev1.EnvVar{Name: "SQL", Value: create})
	if err := w.object(compAirflowDBInit, j, readyComplete, deps...); err != nil {
		return err
	}
	img := image(w.p.API)
	if img == "" {
		return nil
	}
	c = corev1.Container{Name: "migrate", Image: img, Args: []string{"migrate"}}
	return w.object(compMigrate, w.job(jobName(apiName+"-migrate", w.p.API.Tag), c), readyComplete, deps...)
}
