package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// JSON of the XRs and observed resources the cases are made of.
const (
	dbParams = `{"environmentId":"gokinjo-abcde","environment":"prod","region":"ap-northeast-1","providerConfigName":"default",
	"engineVersion":"15.15","instanceClass":"db.r6g.large","allocatedStorage":200,"maxAllocatedStorage":500,"multiAz":true,
	"readReplica":%t,"deletionProtection":true,"backupRetentionDays":7}`
	lakeParams = `{"environmentId":"gokinjo-abcde","environment":"prod","region":"ap-northeast-1","providerConfigName":"default",
	%s"encryption":"AES256","intelligentTieringAfterDays":30,"glacierAfterDays":90,"noncurrentVersionExpirationDays":90,
	"retainOnDelete":true,"imageRetentionCount":30,"logRetentionDays":90,"budget":{"monthlyLimitUsd":2000,"alertEmail":"a@b.example"}}`
	xr          = `{"apiVersion":"platform.gokinjo.io/v1alpha1","kind":"%s","metadata":{"name":"%s"},"spec":{"parameters":%s}%s}`
	readyStatus = `,"status":{"conditions":[{"type":"Ready","status":"True","reason":"Available","lastTransitionTime":"2026-01-01T00:00:00Z"}]}`
	observedRDS = `{"apiVersion":"rds.aws.upbound.io/v1beta2","kind":"Instance","metadata":{"name":"gokinjo-abcde-db-%[1]s"},
	"spec":{"forProvider":{"identifier":"%[1]s"}},"status":{"atProvider":{"address":"%[1]s.x.ap-northeast-1.rds.amazonaws.com"}}}`
	observedBucket = `{"apiVersion":"s3.aws.upbound.io/v1beta1","kind":"Bucket",
	"metadata":{"name":"gokinjo-abcde-lake-%[1]s","annotations":{"crossplane.io/external-name":"%[1]s"}},
	"status":{"atProvider":{"arn":"arn:aws:s3:::%[1]s"}}}`
)

func xDatabase(replica bool) string {
	return fmt.Sprintf(xr, "XDatabase", "gokinjo-abcde-db", fmt.Sprintf(dbParams, replica), "")
}

func xDataLake(suffix, status string) string {
	s := ""
	if suffix != "" {
		s = `"bucketSuffix":"` + suffix + `",`
	}
	return fmt.Sprintf(xr, "XDataLake", "gokinjo-abcde-lake", fmt.Sprintf(lakeParams, s), status)
}

func xEnvironment(overrides string) string {
	return fmt.Sprintf(xr, "XEnvironment", "gokinjo-abcde", `{"environment":"prod","region":"ap-northeast-1","providerConfigName":"default"`+overrides+`}`, "")
}

// TestRunFunctionKeepsStatefulData proves that a claim change that would
// remove an observed RDS instance or bucket (or rename a bucket) is refused
// with a Fatal result and no desired resources at all, so Crossplane deletes
// nothing.
func TestRunFunctionKeepsStatefulData(t *testing.T) {
	instance := fmt.Sprintf(observedRDS, "gokinjo-prod")
	replica := fmt.Sprintf(observedRDS, "gokinjo-prod-replica")
	raw := fmt.Sprintf(observedBucket, "gokinjo-raw-prod")
	cases := map[string]struct {
		reason   string
		req      *fnv1.RunFunctionRequest
		wantErr  string
		wantKeep []string
	}{
		"ReplicaTurnedOffWhileObserved": {
			reason:  "prod turns readReplica off while the replica exists: the guard refuses",
			req:     newRequest(xDatabase(false), map[string]string{"instance": instance, "instance-replica": replica}),
			wantErr: `refusing to remove stateful resources that exist: Instance "instance-replica"`,
		},
		"ReplicaKept": {
			reason:   "with readReplica still on, both instances stay desired",
			req:      newRequest(xDatabase(true), map[string]string{"instance": instance, "instance-replica": replica}),
			wantKeep: []string{"instance", "instance-replica"},
		},
		"BucketSuffixChanged": {
			reason:  "a new bucket suffix would rename existing buckets: refused",
			req:     newRequest(xDataLake("new", ""), map[string]string{"bucket-raw": raw}),
			wantErr: "spec.parameters.bucketSuffix: bucket gokinjo-raw-prod already exists and S3 cannot rename it to gokinjo-raw-prod-new",
		},
		"ObservedBucketNoLongerComposed": {
			reason: "an observed bucket the layer no longer composes is never dropped",
			req: newRequest(xDataLake("", ""), map[string]string{
				"bucket-raw":     raw,
				"bucket-archive": fmt.Sprintf(observedBucket, "gokinjo-archive-prod"),
			}),
			wantErr: `refusing to remove stateful resources that exist: Bucket "bucket-archive"`,
		},
		"BucketsKept": {
			reason:   "the same suffix keeps every bucket desired",
			req:      newRequest(xDataLake("", ""), map[string]string{"bucket-raw": raw}),
			wantKeep: []string{"bucket-raw", "bucket-processed", "bucket-curated"},
		},
		"EnvironmentReplicaTurnedOff": {
			reason: "the claim turns the prod replica off while the XDatabase that has it is ready: refused on the claim",
			req: newRequest(xEnvironment(`,"database":{"readReplica":false}`), map[string]string{
				"database": fmt.Sprintf(xr, "XDatabase", "gokinjo-abcde-db", fmt.Sprintf(dbParams, true), readyStatus),
			}),
			wantErr: "spec.parameters.database.readReplica: the read replica exists",
		},
		"EnvironmentBucketSuffixChanged": {
			reason:  "the claim changes the bucket suffix while the XDataLake is ready: refused on the claim",
			req:     newRequest(xEnvironment(`,"dataLake":{"bucketSuffix":"new"}`), map[string]string{"datalake": xDataLake("", readyStatus)}),
			wantErr: "spec.parameters.dataLake.bucketSuffix: the buckets exist as gokinjo-raw-prod and S3 cannot rename them",
		},
		"EnvironmentDatabaseObservedDropped": {
			reason: "an observed XDatabase is stateful: an XEnvironment that stopped composing it would be refused",
			req: newRequest(xEnvironment(""), map[string]string{
				"database-old": `{"apiVersion":"platform.gokinjo.io/v1alpha1","kind":"XDatabase","metadata":{"name":"gokinjo-abcde-old"}}`,
			}),
			wantErr: `refusing to remove stateful resources that exist: XDatabase "database-old"`,
		},
	}
	f := NewFunction(logging.NewNopLogger())
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rsp, err := f.RunFunction(context.Background(), tc.req)
			if err != nil {
				t.Fatalf("%s: RunFunction() returned an error: %v", tc.reason, err)
			}
			var fatal string
			for _, r := range rsp.GetResults() {
				if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
					fatal = r.GetMessage()
				}
			}
			if tc.wantErr != "" {
				if !strings.Contains(fatal, tc.wantErr) {
					t.Errorf("%s: want a Fatal result containing %q, got %q", tc.reason, tc.wantErr, fatal)
				}
				if n := len(rsp.GetDesired().GetResources()); n != 0 {
					t.Errorf("%s: a Fatal response must desire nothing, got %d resources", tc.reason, n)
				}
				return
			}
			if fatal != "" {
				t.Fatalf("%s: unexpected Fatal: %s", tc.reason, fatal)
			}
			for _, n := range tc.wantKeep {
				if _, ok := rsp.GetDesired().GetResources()[n]; !ok {
					t.Errorf("%s: %s is not desired", tc.reason, n)
				}
			}
		})
	}
}
