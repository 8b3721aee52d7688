package environment

import (
	"testing"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// TestClusterGetsRealBucketNames: the IRSA policies are written from the
// XCluster's buckets, so they must carry the data lake's bucketSuffix
// (without it the API and Airflow get AccessDenied).
func TestClusterGetsRealBucketNames(t *testing.T) {
	r, err := Resolve("gokinjo-abcde", v1alpha1.EnvironmentParameters{
		Environment: "dev", Region: "ap-northeast-1",
		DataLake: &v1alpha1.DataLakeOverrides{BucketSuffix: "acme"},
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tier := range []string{"raw", "processed", "curated"} {
		if got, want := r.Cluster.Buckets[tier], "gokinjo-"+tier+"-dev-acme"; got != want {
			t.Errorf("XCluster buckets[%s] = %q, want %q", tier, got, want)
		}
	}
}
