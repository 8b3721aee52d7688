package schemavalidate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDataLayerClaims proves the XEnvironment schema and CEL rules refuse bad
// database, data-lake and budget input at admission, before the function
// runs. It needs the pinned crossplane CLI in bin/ (make tools); without it
// the test is skipped.
func TestDataLayerClaims(t *testing.T) {
	cli, err := filepath.Abs(filepath.Join("..", "..", "bin", "crossplane"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cli); err != nil || testing.Short() {
		t.Skip("bin/crossplane is not built (or -short): skipping offline schema validation")
	}
	cases := map[string]struct {
		reason string
		params string
		want   string
	}{
		"ok-prod": {
			reason: "overrides within the limits are accepted",
			params: "{environment: prod, database: {instanceClass: db.r6g.large, allocatedStorage: 100, maxAllocatedStorage: 200}, dataLake: {bucketSuffix: acme, glacierAfterDays: 120}, budget: {monthlyLimitUsd: 100, alertEmail: a@b.example}}",
		},
		"ok-micro-dev": {
			reason: "a micro class is fine in dev, which has neither Multi-AZ nor a replica",
			params: "{environment: dev, database: {instanceClass: db.t3.micro}}",
		},
		"storage-below-minimum": {
			reason: "RDS for PostgreSQL needs 20 GiB",
			params: "{environment: dev, database: {allocatedStorage: 19}}",
			want:   "spec.parameters.database.allocatedStorage in body should be greater than or equal to 20",
		},
		"max-storage-too-low": {
			reason: "the autoscaling limit must be 10% above the storage",
			params: "{environment: dev, database: {allocatedStorage: 100, maxAllocatedStorage: 105}}",
			want:   "database.maxAllocatedStorage must be at least 10% above",
		},
		"backup-retention-too-long": {
			reason: "RDS keeps backups 1 to 35 days",
			params: "{environment: dev, database: {backupRetentionDays: 36}}",
			want:   "backupRetentionDays in body should be less than or equal to 35",
		},
		"backup-retention-zero": {
			reason: "backups stay on",
			params: "{environment: dev, database: {backupRetentionDays: 0}}",
			want:   "backupRetentionDays in body should be greater than or equal to 1",
		},
		"micro-in-prod": {
			reason: "prod's preset Multi-AZ and replica cannot run on a micro class",
			params: "{environment: prod, database: {instanceClass: db.t3.micro}}",
			want:   "micro and small classes cannot run Multi-AZ or a read replica",
		},
		"micro-multi-az-dev": {
			reason: "an explicit Multi-AZ on a micro class is refused",
			params: "{environment: dev, database: {instanceClass: db.t4g.micro, multiAz: true}}",
			want:   "micro and small classes cannot run Multi-AZ or a read replica",
		},
		"suffix-invalid": {
			reason: "bucket names are lowercase letters, digits and hyphens",
			params: "{environment: dev, dataLake: {bucketSuffix: Bad_Suffix}}",
			want:   "bucketSuffix in body should match",
		},
		"suffix-too-long": {
			reason: "gokinjo-processed-staging-<suffix> must fit in 63 characters",
			params: "{environment: staging, dataLake: {bucketSuffix: " + strings.Repeat("a", 19) + "-" + strings.Repeat("b", 18) + "}}",
			want:   "bucketSuffix is too long",
		},
		"glacier-below-minimum": {
			reason: "Glacier transitions start at 30 days",
			params: "{environment: dev, dataLake: {glacierAfterDays: 0}}",
			want:   "glacierAfterDays in body should be greater than or equal to 30",
		},
		"tiering-not-before-glacier": {
			reason: "staging's Intelligent-Tiering at 30 days must come before Glacier",
			params: "{environment: staging, dataLake: {glacierAfterDays: 30}}",
			want:   "intelligentTieringAfterDays (preset 30 in staging and prod) must be less than",
		},
		"log-retention": {
			reason: "CloudWatch Logs accepts fixed retention values only",
			params: "{environment: dev, dataLake: {logRetentionDays: 10}}",
			want:   "logRetentionDays: Unsupported value: 10",
		},
		"budget-email": {
			reason: "alerts need an email address",
			params: "{environment: dev, budget: {alertEmail: nobody}}",
			want:   "budget.alertEmail in body should match",
		},
	}
	dir := t.TempDir()
	var claims strings.Builder
	for name, tc := range cases {
		fmt.Fprintf(&claims, "---\napiVersion: platform.gokinjo.io/v1alpha1\nkind: Environment\nmetadata: {name: %s, namespace: gokinjo-test}\nspec:\n  parameters: %s\n", name, tc.params)
	}
	file := filepath.Join(dir, "claims.yaml")
	if err := os.WriteFile(file, []byte(claims.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	v, err := New(ctx, cli, filepath.Join("..", "..", "apis"), filepath.Join(dir, "work"))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := v.Validate(ctx, file)
	for name, tc := range cases {
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "Kind=Environment, "+name+" :") {
				lines = append(lines, l)
			}
		}
		got := strings.Join(lines, "\n")
		if tc.want == "" && got != "" {
			t.Errorf("%s: %s: want no validation error, got:\n%s", name, tc.reason, got)
		}
		if tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s: %s: want a validation error containing %q, got:\n%s", name, tc.reason, tc.want, got)
		}
	}
}
