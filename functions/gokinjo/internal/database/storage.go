package database

import (
	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/internal/facts"
)

// gp3Perf is how RDS sizes gp3 IOPS and throughput for PostgreSQL.
var gp3Perf = facts.RDS.GP3

// storagePerformance is the gp3 IOPS and throughput (MiB/s) to compose for
// an instance whose claim asks for allocated GiB (0: a replica, sized by its
// source). Before the instance exists they are left to RDS (naming them
// below 400 GiB is refused). Once it exists they are what AWS reports:
// provider-aws late-initializes them into the spec, and Terraform sends the
// current IOPS with every storage change at or past 400 GiB, where RDS
// refuses the 3000 / 125 of a smaller volume. So when the claim takes the
// volume to 400 GiB or more they are at least that size's baseline (facts
// rds.yaml gp3, crossplane.yaml lateInitialized). A volume RDS storage
// autoscaling grew past 400 GiB gets the higher baseline from RDS, and the
// spec follows what AWS reports; only the provider's reconcile that first
// sees the new size still sends the old IOPS (one refused update). Raising
// them here before AWS reports it would send a modify of its own, which RDS
// refuses for hours after a storage change.
func (d *database) storagePerformance(comp string, allocated float64) (iops, throughput *float64) {
	var reported struct {
		IOPS              *float64 `json:"iops"`
		StorageThroughput *float64 `json:"storageThroughput"`
	}
	if ok, _ := d.s.ObservedInto(comp, "status.atProvider", &reported); !ok || reported.IOPS == nil || reported.StorageThroughput == nil {
		return nil, nil
	}
	i, t := *reported.IOPS, *reported.StorageThroughput
	if allocated >= float64(gp3Perf.ThresholdGiB) {
		i = max(i, float64(gp3Perf.AtOrAbove.IOPS))
		t = max(t, float64(gp3Perf.AtOrAbove.ThroughputMiBs))
	}
	return mr.Float(i), mr.Float(t)
}
