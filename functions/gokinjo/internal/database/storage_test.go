package database

import (
	"testing"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// TestStoragePerformanceFollowsAWS: provider-aws late-initializes a gp3
// instance's IOPS and throughput (3000 / 125 below 400 GiB), and Terraform
// sends the IOPS with every storage change at or past 400 GiB, where RDS
// refuses anything below 12000 / 500 (facts rds.yaml gp3). The layer
// composes what AWS reports, raised to the baseline at or past 400 GiB.
func TestStoragePerformanceFollowsAWS(t *testing.T) {
	type reported struct{ iops, throughput, size float64 }
	cases := map[string]struct {
		reason    string
		replica   bool      // the read replica's, not the primary's
		allocated int       // the claim's allocatedStorage
		reported  *reported // status.atProvider of the primary, nil: not created yet
		want      *reported // composed iops and throughput, nil: not set
	}{
		"NotCreated": {
			reason:    "Before the instance exists RDS sets the baseline: naming it below 400 GiB is refused.",
			allocated: 200,
		},
		"BelowThreshold": {
			reason:    "Below 400 GiB the spec is what AWS reports (what provider-aws late-initializes): Terraform sends nothing.",
			allocated: 200,
			reported:  &reported{3000, 125, 200},
			want:      &reported{iops: 3000, throughput: 125},
		},
		"ClaimGrowsPastThreshold": {
			reason:    "A claim that takes storage from 200 to 500 GiB: Terraform sends the IOPS with the size, so it must be the 400 GiB baseline, not the late-initialized 3000.",
			allocated: 500,
			reported:  &reported{3000, 125, 200},
			want:      &reported{iops: 12000, throughput: 500},
		},
		"AutoscalingGrewPastThreshold": {
			reason:    "RDS storage autoscaling took the volume past 400 GiB and raised its baseline: the spec follows, so no update sends 3000 back.",
			allocated: 200,
			reported:  &reported{12000, 500, 420},
			want:      &reported{iops: 12000, throughput: 500},
		},
		"AutoscaledBaselineNotYetReported": {
			reason:    "RDS reports the size past 400 GiB before the raised IOPS: the spec stays on what AWS reports (a modify of its own would be refused for hours after a storage change).",
			allocated: 200,
			reported:  &reported{3000, 125, 420},
			want:      &reported{iops: 3000, throughput: 125},
		},
		"Replica": {
			reason:    "A replica is sized by its source; it follows what AWS reports.",
			replica:   true,
			allocated: 200,
			reported:  &reported{12000, 500, 450},
			want:      &reported{iops: 12000, throughput: 500},
		},
		"ProvisionedAboveBaseline": {
			reason:    "IOPS provisioned above the baseline in AWS are kept, not lowered.",
			allocated: 500,
			reported:  &reported{16000, 1000, 500},
			want:      &reported{iops: 16000, throughput: 1000},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := preset.ResolveDatabase(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{})
			p.AllocatedStorage, p.MaxAllocatedStorage = tc.allocated, 1000
			comp := compInstance
			if tc.replica {
				comp = compReplica
			}
			var observed composetest.Observed
			if tc.reported != nil {
				observed = ready(compInstance, compReplica, logGroupComponent(compInstance, "postgresql"), logGroupComponent(compInstance, "upgrade"),
					logGroupComponent(compReplica, "postgresql"), logGroupComponent(compReplica, "upgrade"))
				u := observed[resource.Name(comp)].Resource
				_ = u.SetValue("status.atProvider.iops", tc.reported.iops)
				_ = u.SetValue("status.atProvider.storageThroughput", tc.reported.throughput)
				_ = u.SetValue("status.atProvider.allocatedStorage", tc.reported.size)
			}
			s := composetest.MustRun(t, Layer{}, v1alpha1.KindDatabase, "gokinjo-abcde-db", p, observed).State
			got := s.Desired()[resource.Name(comp)].Resource
			iops, _ := got.GetValue("spec.forProvider.iops")
			tp, _ := got.GetValue("spec.forProvider.storageThroughput")
			if tc.want == nil {
				if iops != nil || tp != nil {
					t.Errorf("%s\nwant iops and throughput unset, got %v / %v", tc.reason, iops, tp)
				}
				return
			}
			if iops != tc.want.iops || tp != tc.want.throughput {
				t.Errorf("%s\nwant iops %v, throughput %v; got %v / %v", tc.reason, tc.want.iops, tc.want.throughput, iops, tp)
			}
		})
	}
}
