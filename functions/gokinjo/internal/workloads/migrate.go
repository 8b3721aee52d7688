package workloads

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
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

// jobName is a Job name with the version and the hash of its pod spec in
// it: a Job's pod template is immutable, so each version, and each change
// of the pod spec under one version (another image repository, other
// resources), gets its own Job (the previous one stays as a record). The
// tag part is cut so that the hash and an attempt suffix always fit in 63
// characters. An empty hash gives the names composed before names carried
// one (legacyJobName).
func jobName(prefix, tag, hash string) string {
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
	n, max := prefix+"-"+t, 63
	if hash != "" {
		max = 63 - len("-"+hash) - len("-"+strconv.Itoa(maxMigrationAttempts))
	}
	if len(n) > max {
		n = n[:max]
	}
	n = strings.TrimRight(n, "-")
	if hash != "" {
		n += "-" + hash
	}
	return n
}

// podSpecHash is a short hash of a pod spec as it is composed (its JSON
// content, keys sorted), so the same spec read back from an observed Object
// hashes the same.
func podSpecHash(spec any) string {
	c, err := compose.ToContent(spec)
	if err != nil {
		return ""
	}
	b, err := json.Marshal(c)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:8]
}

// composedPodHash is the hash of the pod spec of the Job the observed
// Object of comp holds ("" before it exists).
func (w *workloads) composedPodHash(comp string) string {
	var spec map[string]any
	if ok, _ := w.s.ObservedInto(comp, "spec.forProvider.manifest.spec.template.spec", &spec); !ok {
		return ""
	}
	return podSpecHash(spec)
}

// keptName is the name of the Job an existing environment composed before
// names carried the pod spec hash (legacy, or legacy-<attempt>), when its pod
// spec is the one composed now: that Job keeps its name, so an upgrade of the
// package re-runs nothing. Otherwise "".
func (w *workloads) keptName(comp, legacy, hash string) string {
	observed := w.s.ObservedString(comp, "spec.forProvider.manifest.metadata.name")
	if observed == "" || w.composedPodHash(comp) != hash {
		return ""
	}
	if observed == legacy {
		return observed
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(observed, legacy+"-")); err == nil && strings.HasPrefix(observed, legacy+"-") && n > 1 && n <= maxMigrationAttempts {
		return observed
	}
	return ""
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
	// The database settings first, then the container's own variables.
	envFrom, env := dbEnv()
	c.EnvFrom, c.Env = envFrom, append(env, c.Env...)
	return &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: w.meta(name),
		Spec: batchv1.JobSpec{
			// No activeDeadlineSeconds: a pod waiting for an image that is
			// not pushed yet must not turn the Job into a terminal failure;
			// it runs once the image exists. A Job that does fail is
			// replaced by the next attempt (migrationJobName). No
			// ttlSecondsAfterFinished either: provider-kubernetes would
			// create the Job again once the TTL controller deleted it,
			// re-running the migration after every TTL.
			BackoffLimit: ptr(int32(4)),
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
	j := w.job("", airflowDBInitContainer())
	hash := podSpecHash(j.Spec.Template.Spec)
	name := cmp.Or(w.keptName(compAirflowDBInit, airflowDBInitName, hash), airflowDBInitName+"-"+hash)
	if err := w.object(compAirflowDBInit, w.job(name, airflowDBInitContainer()), readyComplete, deps...); err != nil {
		return err
	}
	c, ok := w.migrationContainer()
	if !ok {
		return nil
	}
	return w.object(compMigrate, w.job(w.migrationJobName(), c), readyComplete, deps...)
}

// airflowDBInitName is the name (before its pod spec hash) of the Job that
// creates Airflow's metadata database.
const airflowDBInitName = "airflow-db-init"

// airflowDBInitContainer runs psql to create the database if it is missing.
func airflowDBInitContainer() corev1.Container {
	create := "SELECT 'CREATE DATABASE " + AirflowDatabase + "' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '" + AirflowDatabase + "')\\gexec"
	return corev1.Container{
		Name:    "create-database",
		Image:   psqlImage,
		Command: []string{"sh", "-c", "echo \"$SQL\" | psql -v ON_ERROR_STOP=1"},
		Env:     []corev1.EnvVar{{Name: "SQL", Value: create}},
	}
}

// migrationContainer runs the API image's migrate subcommand; false while
// the API image is not known.
func (w *workloads) migrationContainer() (corev1.Container, bool) {
	img := image(w.p.API)
	if img == "" {
		return corev1.Container{}, false
	}
	return corev1.Container{Name: "migrate", Image: img, Args: []string{"migrate"}}, true
}

// maxMigrationAttempts bounds the Jobs one tag gets: a transient failure
// (the database or network not there yet) recovers by itself, a migration
// that fails for good stops after this many Jobs and waits for a new tag
// (the fix, or the revert) instead of leaving a failed Job per reconcile.
const maxMigrationAttempts = 3

// migrationJobName is the migration Job of the API's tag and attempt: the
// first attempt is <prefix>-<tag>; when the observed Job of this tag has
// failed, the next reconcile composes <prefix>-<tag>-<n+1> (up to
// maxMigrationAttempts), so a fixed image, database or network recovers
// without anyone deleting a Job. Another tag (a fix or a revert) starts at
// its own first attempt: for a revert that is the Job that already
// completed, so the revert is ready at once.
func (w *workloads) migrationJobName() string {
	c, _ := w.migrationContainer()
	hash := podSpecHash(w.job("", c).Spec.Template.Spec)
	base := jobName(apiName+"-migrate", w.p.API.Tag, hash)
	if w.keptName(compMigrate, jobName(apiName+"-migrate", w.p.API.Tag, ""), hash) != "" {
		base = jobName(apiName+"-migrate", w.p.API.Tag, "")
	}
	observed := w.composedJobName()
	attempt := 1
	switch {
	case observed == base:
	case strings.HasPrefix(observed, base+"-"):
		if n, err := strconv.Atoi(strings.TrimPrefix(observed, base+"-")); err == nil && n > 1 {
			attempt = n
		}
	default:
		return base // another tag's Job: a new tag starts at attempt 1
	}
	if w.jobFailed() && attempt < maxMigrationAttempts {
		attempt++
	}
	if attempt == 1 {
		return base
	}
	suffix := "-" + strconv.Itoa(attempt)
	if len(base)+len(suffix) > 63 {
		base = strings.TrimRight(base[:63-len(suffix)], "-")
	}
	return base + suffix
}

// migrated reports whether the migration of the API's tag has completed:
// provider-kubernetes has observed this tag's Job (its observed manifest,
// written in the same status update as the Ready condition under the
// readiness policy, names it: facts provider-kubernetes.yaml) and it is
// ready. Right after a tag change the Object's spec already
// names the new Job while its status still shows the previous tag's Job,
// complete: that is not a migration of the new tag, and the API must not
// move yet.
func (w *workloads) migrated() bool {
	return w.s.ObservedReady(compMigrate) && w.seenJobName() == w.migrationJobName()
}

// seenJobName is the name of the Job provider-kubernetes last observed in the
// cluster; the Object's Ready condition and Job status are that Job's.
func (w *workloads) seenJobName() string {
	return w.s.ObservedString(compMigrate, observed("metadata.name"))
}

// composedJobName is the name of the Job the observed Object's spec holds:
// the one this function composed last.
func (w *workloads) composedJobName() string {
	return w.s.ObservedString(compMigrate, "spec.forProvider.manifest.metadata.name")
}

// jobStatus is the part of a Job's status the layer reads.
type jobStatus struct {
	Active     int64 `json:"active"`
	Ready      int64 `json:"ready"`
	Conditions []struct {
		Type, Status, Reason, Message string
	} `json:"conditions"`
}

// observedJob is the status of the migration Job the Object's spec names, as
// provider-kubernetes reports it; empty while its status still shows an
// earlier Job (a stale Failed would skip an attempt).
func (w *workloads) observedJob() jobStatus {
	var st jobStatus
	if w.seenJobName() != w.composedJobName() {
		return st
	}
	_, _ = w.s.ObservedInto(compMigrate, observed("status"), &st) // A missing or odd status reads as empty.
	return st
}

// jobCondition is the status, reason and message of a condition of the
// observed migration Job.
func (w *workloads) jobCondition(typ string) (status, reason, message string) {
	for _, c := range w.observedJob().Conditions {
		if c.Type == typ {
			return c.Status, c.Reason, c.Message
		}
	}
	return "", "", ""
}

func (w *workloads) jobFailed() bool {
	st, _, _ := w.jobCondition("Failed")
	return st == "True"
}

// migrationState says, in words, where the migration of the API's tag
// stands, read from the observed Job, and what to do when it is stuck; ""
// once it has completed or before it exists.
func (w *workloads) migrationState() string {
	if !w.s.ObservedExists(compMigrate) || w.migrated() {
		return ""
	}
	name := w.composedJobName()
	img := w.s.ObservedString(compMigrate, "spec.forProvider.manifest.spec.template.spec.containers[0].image")
	if st, reason, msg := w.jobCondition("Failed"); st == "True" {
		if next := w.migrationJobName(); next != name {
			return fmt.Sprintf("migration Job %s (image %s) failed (%s: %s); a new attempt %s is composed; the API keeps its current version",
				name, img, reason, msg, next)
		}
		return fmt.Sprintf("migration Job %s (image %s) failed (%s: %s) after %d attempts; the API keeps its current version: "+
			"fix the migration and release a new tag, or revert spec.parameters.workloads.version to the tag the API runs (kubectl -n %s logs job/%s shows the error)",
			name, img, reason, msg, maxMigrationAttempts, w.p.Namespace, name)
	}
	if js := w.observedJob(); js.Active > 0 && js.Ready == 0 {
		return fmt.Sprintf("migration Job %s has no running pod: if image %s was never pushed its pod waits in ImagePullBackOff (image not found): "+
			"push it (make release-app) or set the tag of a pushed image; kubectl -n %s describe pods -l job-name=%s shows the cause",
			name, img, w.p.Namespace, name)
	}
	return ""
}
