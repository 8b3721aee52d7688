package workloads

import (
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/database"
)

// Components of the namespace and its settings.
const (
	compNamespace = "namespace"
	compConfig    = "config"
	// compDBSecret and DBSecretName are new names: an environment composed
	// before the reference paths were fixed holds an Object whose stored
	// manifest carries the misplaced spec.forProvider.manifest.spec (the
	// provider wrote it back; Crossplane's apply cannot remove a field it
	// does not own), which server-side apply refuses forever. Composed
	// under a new name, the Object is new and clean, and Crossplane deletes
	// the old one; a new Secret name keeps that deletion off the new Secret.
	compDBSecret = "db-credentials"
	compAPISA    = "api-serviceaccount"

	// ConfigMapName holds the app settings.
	ConfigMapName = "gokinjo-config"
	// DBSecretName holds the database connection settings of the API.
	DBSecretName = "gokinjo-db-credentials"
	// APIServiceAccount runs the API pods (the strategy's name).
	APIServiceAccount = "gokinjo-api-sa"
	// irsaAnnotation binds a service account to an IAM role.
	irsaAnnotation = "eks.amazonaws.com/role-arn"
	// passwordKey is the key of the password in the RDS connection secret:
	// provider-aws generates the password (autoGeneratePassword) and
	// publishes it there with the address, port and username.
	passwordKey = "password"
)

// readinessGateLabel is the namespace label the AWS Load Balancer
// Controller's pod mutating webhook selects on (chart 1.17.1
// templates/webhook.yaml, mpod.elbv2.k8s.aws namespaceSelector).
const readinessGateLabel = "elbv2.k8s.aws/pod-readiness-gate-inject"

// namespace composes the app namespace.
func (w *workloads) namespace() error {
	ns := &corev1.Namespace{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		// The load balancer controller injects its target-health readiness
		// gate into pods of namespaces with this label (the chart's pod
		// webhook selects them): a rolling update then waits until the
		// new pod is healthy in the ALB before it stops an old one.
		ObjectMeta: metav1.ObjectMeta{Name: w.p.Namespace, Labels: map[string]string{readinessGateLabel: "enabled"}},
	}
	return w.object(compNamespace, ns, "")
}

// meta is the ObjectMeta of a namespaced object of the app.
func (w *workloads) meta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: w.p.Namespace}
}

// config composes the ConfigMap with the app settings the API and Airflow
// read from their environment.
func (w *workloads) config() error {
	data := map[string]string{
		"PORT":        strconv.Itoa(apiPort),
		"LOG_LEVEL":   w.pre.LogLevel,
		"ENVIRONMENT": w.p.Environment,
		"AWS_REGION":  w.p.Region,
	}
	tiers := make([]string, 0, len(w.p.Buckets))
	for t := range w.p.Buckets {
		tiers = append(tiers, t)
	}
	sort.Strings(tiers)
	for _, t := range tiers {
		data["S3_BUCKET_"+upper(t)] = w.p.Buckets[t]
	}
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: w.meta(ConfigMapName),
		Data:       data,
	}
	return w.object(compConfig, cm, "", reference{DependsOn: w.objectName(compNamespace)})
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		case c == '-':
			b[i] = '_'
		}
	}
	return string(b)
}

// dbReady reports whether the database's connection secret is observed.
func (w *workloads) dbReady() bool { return w.p.Database.ConnectionSecret != nil }

// databaseSecret composes the database Secret of the API and Airflow once
// the database's connection secret exists. The function never sees a
// credential: the Object copies host, port, user and the generated password
// from the RDS connection secret (in the management cluster) with
// references[].patchesFrom, so nothing composed holds a password, and a
// password change reaches the cluster on the provider's next apply
// (provider-kubernetes keeps its own copy in the Object: see
// docs/workloads-layer.md, Database credentials).
// database-url names only the database: pgx (and libpq, for Airflow) takes
// host, port, user and password from the PG* variables of the same Secret.
func (w *workloads) databaseSecret() error {
	if !w.dbReady() {
		w.s.Wait("the database connection secret (XDatabase status.connectionSecret)")
		return nil
	}
	cs := w.p.Database.ConnectionSecret
	sec := &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: w.meta(DBSecretName),
		Type:       corev1.SecretTypeOpaque,
		StringData: map[string]string{
			"database-url": "postgres:///" + database.DBName + "?sslmode=require",
			"PGDATABASE":   database.DBName,
			"PGSSLMODE":    "require",
		},
	}
	copyKey := func(secret, namespace, from, to string) reference {
		return reference{FromSecret: secret, FromNamespace: namespace, FieldPath: "data." + from, ToFieldPath: "data." + to}
	}
	return w.object(compDBSecret, sec, "",
		reference{DependsOn: w.objectName(compNamespace)},
		copyKey(cs.Name, cs.Namespace, "address", "PGHOST"),
		copyKey(cs.Name, cs.Namespace, "port", "PGPORT"),
		copyKey(cs.Name, cs.Namespace, "username", "PGUSER"),
		copyKey(cs.Name, cs.Namespace, passwordKey, "PGPASSWORD"),
	)
}

// serviceAccounts composes the API's service account. It has no IRSA role
// and mounts no token: the API calls neither AWS nor the Kubernetes API (it
// reads PostgreSQL only), so its pods hold no credential of either. The
// Airflow service accounts come with the Airflow chart (see addons.go).
func (w *workloads) serviceAccounts() error {
	sa := &corev1.ServiceAccount{
		TypeMeta:                     metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta:                   w.meta(APIServiceAccount),
		AutomountServiceAccountToken: ptr(false),
	}
	return w.object(compAPISA, sa, "", reference{DependsOn: w.objectName(compNamespace)})
}

func ptr[T any](v T) *T { return &v }
