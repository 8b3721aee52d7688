package preset

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func dataOwner(env string) v1alpha1.Owner {
	return v1alpha1.Owner{EnvironmentID: "gokinjo-abcde", Environment: env, Region: DefaultRegion, ProviderConfigName: DefaultProviderConfigName}
}

func TestResolveDatabase(t *testing.T) {
	i := func(v int) *int { return &v }
	b := func(v bool) *bool { return &v }
	cases := map[string]struct {
		reason string
		env    string
		o      *v1alpha1.DatabaseOverrides
		want   v1alpha1.DatabaseParameters
	}{
		"Dev": {
			reason: "dev: single-AZ db.t3.medium, 50 GiB",
			env:    v1alpha1.EnvDev,
			want: v1alpha1.DatabaseParameters{Owner: dataOwner(v1alpha1.EnvDev), EngineVersion: PostgresEngineVersion,
				InstanceClass: "db.t3.medium", AllocatedStorage: 50, MaxAllocatedStorage: 100, FinalSnapshot: b(false), BackupRetentionDays: 7, LogRetentionDays: 7},
		},
		"Staging": {
			reason: "staging: Multi-AZ db.t3.large, 100 GiB",
			env:    v1alpha1.EnvStaging,
			want: v1alpha1.DatabaseParameters{Owner: dataOwner(v1alpha1.EnvStaging), EngineVersion: PostgresEngineVersion,
				InstanceClass: "db.t3.large", AllocatedStorage: 100, MaxAllocatedStorage: 200, MultiAZ: true, FinalSnapshot: b(false), BackupRetentionDays: 7, LogRetentionDays: 30},
		},
		"Prod": {
			reason: "prod: Multi-AZ db.r6g.large with replica and protection, 200 GiB",
			env:    v1alpha1.EnvProd,
			want: v1alpha1.DatabaseParameters{Owner: dataOwner(v1alpha1.EnvProd), EngineVersion: PostgresEngineVersion,
				InstanceClass: "db.r6g.large", AllocatedStorage: 200, MaxAllocatedStorage: 500, MultiAZ: true, ReadReplica: true,
				DeletionProtection: true, FinalSnapshot: b(true), BackupRetentionDays: 7, LogRetentionDays: 90},
		},
		"Overrides": {
			reason: "claim values win, false included",
			env:    v1alpha1.EnvProd,
			o:      &v1alpha1.DatabaseOverrides{EngineVersion: "15.3", InstanceClass: "db.r6g.xlarge", AllocatedStorage: i(400), MaxAllocatedStorage: i(800), MultiAZ: b(false), ReadReplica: b(false), DeletionProtection: b(false), FinalSnapshot: b(false), BackupRetentionDays: i(35)},
			want: v1alpha1.DatabaseParameters{Owner: dataOwner(v1alpha1.EnvProd), EngineVersion: "15.3",
				InstanceClass: "db.r6g.xlarge", AllocatedStorage: 400, MaxAllocatedStorage: 800, FinalSnapshot: b(false), BackupRetentionDays: 35, LogRetentionDays: 90},
		},
		"ProtectionOffKeepsFinalSnapshot": {
			reason: "turning deletion protection off to tear prod down keeps the final snapshot: the knobs are independent",
			env:    v1alpha1.EnvProd,
			o:      &v1alpha1.DatabaseOverrides{DeletionProtection: b(false)},
			want: v1alpha1.DatabaseParameters{Owner: dataOwner(v1alpha1.EnvProd), EngineVersion: PostgresEngineVersion,
				InstanceClass: "db.r6g.large", AllocatedStorage: 200, MaxAllocatedStorage: 500, MultiAZ: true, ReadReplica: true,
				FinalSnapshot: b(true), BackupRetentionDays: 7, LogRetentionDays: 90},
		},
		"FinalSnapshotInDev": {
			reason: "dev can ask for a final snapshot without deletion protection",
			env:    v1alpha1.EnvDev,
			o:      &v1alpha1.DatabaseOverrides{FinalSnapshot: b(true)},
			want: v1alpha1.DatabaseParameters{Owner: dataOwner(v1alpha1.EnvDev), EngineVersion: PostgresEngineVersion,
				InstanceClass: "db.t3.medium", AllocatedStorage: 50, MaxAllocatedStorage: 100, FinalSnapshot: b(true), BackupRetentionDays: 7, LogRetentionDays: 7},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := ResolveDatabase(dataOwner(tc.env), Presets[tc.env], v1alpha1.EnvironmentParameters{Database: tc.o})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s: ResolveDatabase(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestResolveDataLake(t *testing.T) {
	i := func(v int) *int { return &v }
	b := func(v bool) *bool { return &v }
	base := func(env string, tiering, logs, budget int, retain bool) v1alpha1.DataLakeParameters {
		return v1alpha1.DataLakeParameters{Owner: dataOwner(env), Encryption: v1alpha1.EncryptionAES256,
			IntelligentTieringAfterDays: tiering, GlacierAfterDays: 90, NoncurrentVersionExpirationDays: 90,
			RetainOnDelete: retain, ImageRetentionCount: 30, LogRetentionDays: logs,
			Budget: v1alpha1.BudgetParameters{MonthlyLimitUSD: budget, AlertEmail: DefaultAlertEmail}}
	}
	cases := map[string]struct {
		reason string
		env    string
		o      *v1alpha1.DataLakeOverrides
		b      *v1alpha1.BudgetOverrides
		want   v1alpha1.DataLakeParameters
	}{
		"Dev":     {reason: "dev: no tiering, 7-day logs, 500 USD", env: v1alpha1.EnvDev, want: base(v1alpha1.EnvDev, 0, 7, 500, false)},
		"Staging": {reason: "staging: tiering at 30, 30-day logs, 800 USD", env: v1alpha1.EnvStaging, want: base(v1alpha1.EnvStaging, 30, 30, 800, false)},
		"Prod":    {reason: "prod: tiering at 30, retained, 90-day logs, 2000 USD", env: v1alpha1.EnvProd, want: base(v1alpha1.EnvProd, 30, 90, 2000, true)},
		"Overrides": {
			reason: "claim values win",
			env:    v1alpha1.EnvProd,
			o: &v1alpha1.DataLakeOverrides{BucketSuffix: "x", Encryption: v1alpha1.EncryptionKMS, IntelligentTieringAfterDays: i(0), GlacierAfterDays: i(365),
				NoncurrentVersionExpirationDays: i(30), RetainOnDelete: b(false), ImageRetentionCount: i(5), LogRetentionDays: i(14)},
			b: &v1alpha1.BudgetOverrides{MonthlyLimitUSD: i(3000), AlertEmail: "ops@x.example"},
			want: v1alpha1.DataLakeParameters{Owner: dataOwner(v1alpha1.EnvProd), BucketSuffix: "x", Encryption: v1alpha1.EncryptionKMS,
				GlacierAfterDays: 365, NoncurrentVersionExpirationDays: 30, ImageRetentionCount: 5, LogRetentionDays: 14,
				Budget: v1alpha1.BudgetParameters{MonthlyLimitUSD: 3000, AlertEmail: "ops@x.example"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := ResolveDataLake(dataOwner(tc.env), Presets[tc.env], v1alpha1.EnvironmentParameters{DataLake: tc.o, Budget: tc.b})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s: ResolveDataLake(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
