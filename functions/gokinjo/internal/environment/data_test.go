package environment

import (
	"context"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func TestDataLayersResolved(t *testing.T) {
	cases := map[string]struct {
		reason string
		params map[string]any
		db     func(p v1alpha1.DatabaseParameters) string
		lake   func(p v1alpha1.DataLakeParameters) string
	}{
		"DevPreset": {
			reason: "dev: db.t3.medium single-AZ, no replica, no protection; no tiering; 7-day logs; 500 USD",
			params: map[string]any{"environment": "dev"},
			db: func(p v1alpha1.DatabaseParameters) string {
				if p.InstanceClass != "db.t3.medium" || p.MultiAZ || p.ReadReplica || p.DeletionProtection || p.AllocatedStorage != 50 || p.ClientSecurityGroupID != "" {
					return "not the dev preset"
				}
				return ""
			},
			lake: func(p v1alpha1.DataLakeParameters) string {
				if p.IntelligentTieringAfterDays != 0 || p.GlacierAfterDays != 90 || p.RetainOnDelete || p.LogRetentionDays != 7 || p.Budget.MonthlyLimitUSD != 500 || p.Budget.AlertEmail != "platform-team@gokinjo.example" {
					return "not the dev preset"
				}
				return ""
			},
		},
		"ProdPreset": {
			reason: "prod: db.r6g.large Multi-AZ with replica and protection; tiering at 30; retained; 90-day logs; 2000 USD",
			params: map[string]any{"environment": "prod"},
			db: func(p v1alpha1.DatabaseParameters) string {
				if p.InstanceClass != "db.r6g.large" || !p.MultiAZ || !p.ReadReplica || !p.DeletionProtection || p.AllocatedStorage != 200 {
					return "not the prod preset"
				}
				return ""
			},
			lake: func(p v1alpha1.DataLakeParameters) string {
				if p.IntelligentTieringAfterDays != 30 || !p.RetainOnDelete || p.LogRetentionDays != 90 || p.Budget.MonthlyLimitUSD != 2000 {
					return "not the prod preset"
				}
				return ""
			},
		},
		"Overrides": {
			reason: "every preset value can be overridden in the claim",
			params: map[string]any{
				"environment": "staging",
				"database":    map[string]any{"instanceClass": "db.r6g.large", "allocatedStorage": 300, "maxAllocatedStorage": 1000, "multiAz": false, "backupRetentionDays": 14},
				"dataLake":    map[string]any{"bucketSuffix": "acme", "glacierAfterDays": 180, "intelligentTieringAfterDays": 0, "encryption": "aws:kms", "imageRetentionCount": 10},
				"budget":      map[string]any{"monthlyLimitUsd": 650, "alertEmail": "ops@acme.example"},
			},
			db: func(p v1alpha1.DatabaseParameters) string {
				if p.InstanceClass != "db.r6g.large" || p.AllocatedStorage != 300 || p.MaxAllocatedStorage != 1000 || p.MultiAZ || p.BackupRetentionDays != 14 {
					return "overrides not applied"
				}
				return ""
			},
			lake: func(p v1alpha1.DataLakeParameters) string {
				if p.BucketSuffix != "acme" || p.GlacierAfterDays != 180 || p.IntelligentTieringAfterDays != 0 || p.Encryption != "aws:kms" ||
					p.ImageRetentionCount != 10 || p.Budget.MonthlyLimitUSD != 650 || p.Budget.AlertEmail != "ops@acme.example" {
					return "overrides not applied"
				}
				return ""
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, _, _, err := composeEnv(t, tc.params, nil)
			if err != nil {
				t.Fatalf("%s: %v", tc.reason, err)
			}
			db := nestedParams[v1alpha1.DatabaseParameters](t, s, compDatabase)
			if msg := tc.db(db); msg != "" {
				t.Errorf("%s: database: %s: %+v", tc.reason, msg, db)
			}
			lake := nestedParams[v1alpha1.DataLakeParameters](t, s, compDataLake)
			if msg := tc.lake(lake); msg != "" {
				t.Errorf("%s: data lake: %s: %+v", tc.reason, msg, lake)
			}
			if db.EnvironmentID != "gokinjo-abcde" || lake.EnvironmentID != "gokinjo-abcde" {
				t.Errorf("%s: nested layers do not carry the environment id", tc.reason)
			}
		})
	}
}

func TestDataLayersRefuse(t *testing.T) {
	cases := map[string]struct {
		reason string
		params map[string]any
		want   string
	}{
		"SmallClassInProd": {
			reason: "prod's preset has Multi-AZ and a replica: a micro class cannot carry them",
			params: map[string]any{"environment": "prod", "database": map[string]any{"instanceClass": "db.t3.micro"}},
			want:   "spec.parameters.database.multiAz: Invalid value: true: instance class db.t3.micro is too small for Multi-AZ",
		},
		"SmallClassReplica": {
			reason: "a replica on a small class is refused even without Multi-AZ",
			params: map[string]any{"environment": "prod", "database": map[string]any{"instanceClass": "db.t3.small", "multiAz": false}},
			want:   "spec.parameters.database.readReplica: Invalid value: true: instance class db.t3.small is too small",
		},
		"StorageBelowMinimum": {
			reason: "20 GiB is the engine minimum",
			params: map[string]any{"environment": "dev", "database": map[string]any{"allocatedStorage": 10}},
			want:   "spec.parameters.database.allocatedStorage: Invalid value: 10: outside 20-65536 GiB",
		},
		"BackupRetention": {
			reason: "1-35 days",
			params: map[string]any{"environment": "dev", "database": map[string]any{"backupRetentionDays": 40}},
			want:   "spec.parameters.database.backupRetentionDays: Invalid value: 40: outside 1-35 days",
		},
		"TieringNotBeforeGlacier": {
			reason: "staging's tiering preset (30) must stay below glacierAfterDays",
			params: map[string]any{"environment": "staging", "dataLake": map[string]any{"glacierAfterDays": 30}},
			want:   "spec.parameters.dataLake.intelligentTieringAfterDays: Invalid value: 30: must be less than glacierAfterDays (30)",
		},
		"BucketSuffix": {
			reason: "a suffix that makes an invalid bucket name",
			params: map[string]any{"environment": "dev", "dataLake": map[string]any{"bucketSuffix": "Bad_Suffix"}},
			want:   `spec.parameters.dataLake.bucketSuffix: Invalid value: "Bad_Suffix": must be lowercase letters`,
		},
		"BudgetEmail": {
			reason: "budget alerts need an address",
			params: map[string]any{"environment": "dev", "budget": map[string]any{"alertEmail": "nobody"}},
			want:   `spec.parameters.budget.alertEmail: Invalid value: "nobody": not a plain e-mail address`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, _, err := composeEnv(t, tc.params, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: want error containing %q, got %v", tc.reason, tc.want, err)
			}
		})
	}
}

// TestClientSecurityGroupSequencing proves the database gets the EKS
// cluster security group only once the cluster layer reports it.
func TestClientSecurityGroupSequencing(t *testing.T) {
	cluster := composed.New()
	cluster.SetAPIVersion(v1alpha1.APIVersion)
	cluster.SetKind(v1alpha1.KindCluster)
	_ = cluster.SetValue("status.clusterSecurityGroupId", "sg-0eks")
	silent := composed.New()
	silent.SetAPIVersion(v1alpha1.APIVersion)
	silent.SetKind(v1alpha1.KindCluster)
	_ = silent.SetValue("status.endpoint", "https://eks.example")
	cases := map[string]struct {
		reason   string
		observed map[resource.Name]resource.ObservedComposed
		// copied is the environment's own status.cluster, as last written.
		copied map[string]any
		want   string
	}{
		"NoCluster":       {reason: "before the cluster exists there is no client security group", want: ""},
		"ClusterObserved": {reason: "the observed XCluster's clusterSecurityGroupId is passed on", observed: map[resource.Name]resource.ObservedComposed{compCluster: {Resource: cluster}}, want: "sg-0eks"},
		"LastCopied": {
			reason:   "while the XCluster does not report it, the value the environment last copied holds, so the ingress rule stays",
			observed: map[resource.Name]resource.ObservedComposed{compCluster: {Resource: silent}},
			copied:   map[string]any{"clusterSecurityGroupId": "sg-0copied"},
			want:     "sg-0copied",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var status map[string]any
			if tc.copied != nil {
				status = map[string]any{"cluster": tc.copied}
			}
			xr, _ := environmentXR(t, map[string]any{"environment": "dev"}, status)
			s := compose.NewState(tc.observed)
			if err := (Layer{}).Compose(context.Background(), xr, s); err != nil {
				t.Fatal(err)
			}
			if got := nestedParams[v1alpha1.DatabaseParameters](t, s, compDatabase).ClientSecurityGroupID; got != tc.want {
				t.Errorf("%s: clientSecurityGroupId: want %q, got %q", tc.reason, tc.want, got)
			}
		})
	}
}

func TestDataStatus(t *testing.T) {
	db := composed.New()
	db.SetAPIVersion(v1alpha1.APIVersion)
	db.SetKind(v1alpha1.KindDatabase)
	_ = db.SetValue("status", map[string]any{"endpoint": "h:5432", "readerEndpoint": "r:5432", "port": 5432,
		"connectionSecret": map[string]any{"name": "gokinjo-dev-db", "namespace": "crossplane-system"}, "masterUserSecretArn": "arn:s"})
	lake := composed.New()
	lake.SetAPIVersion(v1alpha1.APIVersion)
	lake.SetKind(v1alpha1.KindDataLake)
	_ = lake.SetValue("status.buckets", []any{map[string]any{"tier": "raw", "name": "gokinjo-raw-dev", "arn": "arn:aws:s3:::gokinjo-raw-dev"}})
	_, _, dxr, err := composeEnv(t, map[string]any{"environment": "dev"}, map[resource.Name]resource.ObservedComposed{
		compDatabase: {Resource: db}, compDataLake: {Resource: lake},
	})
	if err != nil {
		t.Fatal(err)
	}
	var st v1alpha1.EnvironmentStatus
	if err := dxr.GetValueInto("status", &st); err != nil {
		t.Fatal(err)
	}
	wantDB := &v1alpha1.DatabaseStatus{Endpoint: "h:5432", ReaderEndpoint: "r:5432", Port: 5432,
		ConnectionSecret: &v1alpha1.SecretReference{Name: "gokinjo-dev-db", Namespace: "crossplane-system"}, MasterUserSecretARN: "arn:s"}
	if diff := cmp.Diff(wantDB, st.Database); diff != "" {
		t.Errorf("status.database: -want, +got:\n%s", diff)
	}
	wantLake := &v1alpha1.DataLakeStatus{Buckets: []v1alpha1.BucketStatus{{Tier: "raw", Name: "gokinjo-raw-dev", ARN: "arn:aws:s3:::gokinjo-raw-dev"}}}
	if diff := cmp.Diff(wantLake, st.DataLake); diff != "" {
		t.Errorf("status.dataLake: -want, +got:\n%s", diff)
	}
}
