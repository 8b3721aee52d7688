package environment

import (
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cluster"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/datalake"
	"github.com/gokinjo/platform/functions/gokinjo/internal/network"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/awssim"
)

// TestAppsReachTheDataLake composes the network, cluster and data-lake
// layers of an environment in one strict simulated account and has every
// app role perform its data-lake operations (cluster.DataLakeAccess)
// through the simulator's S3 data plane. With aws:kms, S3 calls KMS with
// the role's credentials: without the KMS grant Airflow's reads and writes
// are AccessDenied. The API has no role (it calls no AWS API). The XCluster's bucketEncryption comes from
// the data lake's encryption.
func TestAppsReachTheDataLake(t *testing.T) {
	for _, enc := range []string{v1alpha1.EncryptionAES256, v1alpha1.EncryptionKMS} {
		t.Run(strings.ReplaceAll(enc, ":", "-"), func(t *testing.T) {
			r, err := Resolve(composetest.EnvironmentID, v1alpha1.EnvironmentParameters{
				Environment: "dev", Region: "ap-northeast-1",
				DataLake: &v1alpha1.DataLakeOverrides{Encryption: enc, BucketSuffix: "acme"},
			}, "")
			if err != nil {
				t.Fatal(err)
			}
			if r.Cluster.BucketEncryption != enc {
				t.Fatalf("XCluster bucketEncryption = %q, want the data lake's %q", r.Cluster.BucketEncryption, enc)
			}
			a := awssim.NewAccount(awssim.NewCloud(), awssim.AccountID)
			composetest.ConvergeIn(t, a, network.Layer{}, v1alpha1.KindNetwork, "net", r.Network)
			composetest.ConvergeIn(t, a, datalake.Layer{}, v1alpha1.KindDataLake, "lake", r.DataLake)
			c := composetest.ConvergeIn(t, a, cluster.Layer{}, v1alpha1.KindCluster, "cluster", r.Cluster)
			for _, f := range a.Failures() {
				t.Errorf("refused: %s", f)
			}
			roles, _, _ := unstructured.NestedStringMap(c.DXR.Object, "status", "serviceAccountRoleArns")
			access := cluster.DataLakeAccess(r.Cluster)
			if len(access) != 2 {
				t.Fatalf("data-lake access of %d service accounts, want the two Airflow ones: %v", len(access), access)
			}
			for sa, byBucket := range access {
				role := roles[sa]
				if role == "" {
					t.Fatalf("no IRSA role for %s in %v", sa, roles)
				}
				buckets := make([]string, 0, len(byBucket))
				for b := range byBucket {
					buckets = append(buckets, b)
				}
				sort.Strings(buckets)
				for _, b := range buckets {
					if !strings.HasSuffix(b, "-acme") {
						t.Errorf("%s: bucket %s lacks the suffix", sa, b)
					}
					for _, op := range byBucket[b] {
						if err := a.S3Request(role, op, b, "wards/2026/scores.parquet"); err != nil {
							t.Errorf("%s %s %s: %v", sa, op, b, err)
						}
					}
				}
			}
			// The API has no role: it reaches no bucket.
			if api, ok := roles[r.Cluster.AppNamespace+"/gokinjo-api-sa"]; ok {
				t.Errorf("the API has an IRSA role %s; it calls no AWS API", api)
			}
		})
	}
}

// TestSquattedBucketRefused: bucket names are global and derive from the
// claim, so another account can create one first. The Airflow roles' S3
// grants hold only for buckets of their own account (s3:ResourceAccount):
// a squatter's bucket, even one whose policy lets everyone in, gets none of
// the ETL's writes or reads.
func TestSquattedBucketRefused(t *testing.T) {
	r, err := Resolve(composetest.EnvironmentID, v1alpha1.EnvironmentParameters{Environment: "dev", Region: "ap-northeast-1"}, "")
	if err != nil {
		t.Fatal(err)
	}
	cloud := awssim.NewCloud()
	ours, squatter := awssim.NewAccount(cloud, awssim.AccountID), awssim.NewAccount(cloud, "210987654321")
	name := datalake.BucketName(r.DataLake, "raw")
	b := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "s3.aws.upbound.io/v1beta1", "kind": "Bucket",
		"metadata": map[string]any{"name": "squat", "annotations": map[string]any{awssim.AnnotationExternalName: name}},
		"spec":     map[string]any{"forProvider": map[string]any{"region": "ap-northeast-1"}},
	}}
	squatter.Apply("squatter", "bucket", b)
	composetest.ConvergeIn(t, ours, network.Layer{}, v1alpha1.KindNetwork, "net", r.Network)
	c := composetest.ConvergeIn(t, ours, cluster.Layer{}, v1alpha1.KindCluster, "cluster", r.Cluster)
	roles, _, _ := unstructured.NestedStringMap(c.DXR.Object, "status", "serviceAccountRoleArns")
	worker := roles[r.Cluster.AppNamespace+"/airflow-worker"]
	if worker == "" {
		t.Fatalf("no Airflow worker role in %v", roles)
	}
	for _, op := range []string{"PutObject", "GetObject"} {
		err := ours.S3Request(worker, op, name, "wards/2026/scores.parquet")
		if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
			t.Errorf("%s on %s, owned by another account: %v, want AccessDenied", op, name, err)
		}
	}
}
