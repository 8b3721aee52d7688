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

// TestGrantsFollowTheBucketsThatExist: once the data lake reports its
// buckets, the IRSA policies name those: a bucketSuffix the data-lake layer
// refuses (its buckets exist and cannot be renamed) does not move Airflow's
// grants off the data while the claim is being fixed.
func TestGrantsFollowTheBucketsThatExist(t *testing.T) {
	r, err := Resolve("gokinjo-abcde", v1alpha1.EnvironmentParameters{
		Environment: "dev", Region: "ap-northeast-1",
		DataLake: &v1alpha1.DataLakeOverrides{BucketSuffix: "new"},
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	reported := v1alpha1.EnvironmentStatus{DataLake: &v1alpha1.DataLakeStatus{Buckets: []v1alpha1.BucketStatus{
		{Tier: "raw", Name: "gokinjo-raw-dev-old"}, {Tier: "processed", Name: "gokinjo-processed-dev-old"}, {Tier: "curated", Name: "gokinjo-curated-dev-old"},
	}}}
	keepBucketGrants(&r, reported)
	for _, tier := range []string{"raw", "processed", "curated"} {
		if got, want := r.Cluster.Buckets[tier], "gokinjo-"+tier+"-dev-old"; got != want {
			t.Errorf("XCluster buckets[%s] = %q, want the existing %q", tier, got, want)
		}
	}
}
