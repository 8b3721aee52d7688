package environment

import (
	"fmt"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/datalake"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Composition resource names of the data layers. Like every layer they are
// composed on the first reconcile and find the network by labels; the
// database's client security group is the one value that waits: it is the
// EKS cluster security group, which EKS itself creates, so no label selects
// it; it comes from the observed XCluster (clusterSecurityGroupID).
const (
	compDatabase = "database"
	compDataLake = "datalake"
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

// clusterSecurityGroupID is the EKS cluster security group once the cluster
// layer reports it: from the observed XCluster's status
// (clusterSecurityGroupId, as the cluster layer writes it, or
// cluster.securityGroupId), or from the environment's own status.cluster.
// Empty until then.
func clusterSecurityGroupID(xr *compose.XR, s *compose.State) string {
	for name, o := range s.Observed {
		gvk := o.Resource.GetObjectKind().GroupVersionKind()
		if gvk.Group != v1alpha1.Group || gvk.Kind != "XCluster" {
			continue
		}
		for _, path := range []string{"status.clusterSecurityGroupId", "status.cluster.securityGroupId", "status.securityGroupId"} {
			if id := s.ObservedString(string(name), path); id != "" {
				return id
			}
		}
	}
	for _, field := range []string{"cluster.clusterSecurityGroupId", "cluster.securityGroupId"} {
		var id string
		if xr.ObservedStatus(field, &id) && id != "" {
			return id
		}
	}
	return ""
}

// dataStatus copies the data layers' status to the environment's.
func dataStatus(s *compose.State, st *v1alpha1.EnvironmentStatus) error {
	var db v1alpha1.DatabaseStatus
	if ok, err := s.ObservedInto(compDatabase, "status", &db); err != nil {
		return err
	} else if ok {
		st.Database = &db
	}
	var lake v1alpha1.DataLakeStatus
	if ok, err := s.ObservedInto(compDataLake, "status", &lake); err != nil {
		return err
	} else if ok {
		st.DataLake = &lake
	}
	return nil
}
