package environment

import (
	"fmt"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/datalake"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// keepData refuses, on the claim where the user sees it, a change the data
// layers would refuse anyway: removing an existing read replica, or
// renaming existing buckets.
func keepData(s *compose.State, db v1alpha1.DatabaseParameters, lake v1alpha1.DataLakeParameters) error {
	var oldDB v1alpha1.DatabaseParameters
	if ok, err := s.ObservedInto(compDatabase, "spec.parameters", &oldDB); err == nil && ok && s.ObservedReady(compDatabase) {
		if oldDB.ReadReplica && !db.ReadReplica {
			return fmt.Errorf("spec.parameters.database.readReplica: the read replica exists and holds a copy of the data: " +
				"set readReplica back to true (remove a replica deliberately: set its deletion policy, then delete it by hand)")
		}
	}
	var oldLake v1alpha1.DataLakeParameters
	if ok, err := s.ObservedInto(compDataLake, "spec.parameters", &oldLake); err == nil && ok && s.ObservedReady(compDataLake) {
		if oldLake.BucketSuffix != lake.BucketSuffix {
			return fmt.Errorf("spec.parameters.dataLake.bucketSuffix: the buckets exist as %s and S3 cannot rename them: restore bucketSuffix %q",
				datalake.BucketName(oldLake, datalake.Tiers[0]), oldLake.BucketSuffix)
		}
	}
	return nil
}

// clusterSecurityGroupID is the database's client security group: the EKS
// cluster security group, which EKS itself creates, so no label selects it.
// It comes from the cluster layer's status (ClusterStatus, observed on the
// XCluster or, while the XCluster does not report it, as the environment
// last copied it). Empty until the cluster layer reports it.
func clusterSecurityGroupID(xr *compose.XR, observed v1alpha1.EnvironmentStatus) string {
	if observed.Cluster != nil && observed.Cluster.ClusterSecurityGroupID != "" {
		return observed.Cluster.ClusterSecurityGroupID
	}
	var last v1alpha1.ClusterStatus
	if xr.ObservedStatus("cluster", &last) {
		return last.ClusterSecurityGroupID
	}
	return ""
}

// keepBucketGrants points the IRSA policies at the buckets the data lake
// reports it has, once it reports them: a bucketSuffix the data-lake layer
// refuses (an existing bucket cannot be renamed) then never moves Airflow's
// grants off its data, and a suffix it accepts (the old name never existed)
// reaches the grants once the data lake composed the new name.
func keepBucketGrants(r *Resolved, observed v1alpha1.EnvironmentStatus) {
	if observed.DataLake == nil {
		return
	}
	for _, b := range observed.DataLake.Buckets {
		if _, ok := r.Cluster.Buckets[b.Tier]; ok && b.Name != "" {
			r.Cluster.Buckets[b.Tier] = b.Name
		}
	}
}
