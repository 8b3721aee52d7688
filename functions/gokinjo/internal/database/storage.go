package database

import (
	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/internal/facts"
)

// gp3Perf is how RDS sizes gp3 IOPS and throughput for PostgreSQL.
var gp3Perf = facts.RDS.GP3

// storagePerformance is the gp3 IOPS and throughput (MiB/s) to compose for
// an instance of allocated GiB (0: a replica, sized by its source). Before
// the instance exists they are left to RDS (naming them below 400 GiB is
// refused). Once it exists they are what AWS reports, because provider-aws
// late-initializes them into the spec and Terraform sends the current IOPS
// with every storage change at or past 400 GiB: from there on RDS refuses
// the 3000 / 125 of a smaller volume. So at or past 400 GiB, whether the
// claim or RDS storage autoscaling grew it, they are at least that size's
// baseline (facts rds.yaml gp3, crossplane.yaml lateInitialized).
func (d *database) storagePerformance(comp string, allocated float64) (iops, throughput *float64) {
	var reported struct {
		IOPS              *float64 `json:"iops"`
		StorageThroughput *float64 `json:"storageThroughput"`
		AllocatedStorage  *float64 `json:"allocatedStorage"`
	}
	if ok, _ := d.s.ObservedInto(comp, "status.atProvider", &reported); !ok || reported.IOPS == nil || reported.StorageThroughput == nil {
		return nil, nil
	}
	i, t := *reported.IOPS, *reported.StorageThroughput
	size := allocated
	if reported.AllocatedStorage != nil {
		size = max(size, *reported.AllocatedStorage)
	}
	if size >= float64(gp3Perf.ThresholdGiB) {
		i = max(i, float64(gp3Perf.AtOrAbove.IOPS))
		t = max(t, float64(gp3Perf.AtOrAbove.ThroughputMiBs))
	}
	return mr.Float(i), mr.Float(t)
}
