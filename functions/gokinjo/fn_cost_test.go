package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// TestRunFunctionBudget proves the budget through RunFunction: over budget
// is a Warning result and WithinBudget=False; budget.enforce on a new
// environment is a Fatal result with no desired resources; on an existing
// one every observed nested XR stays desired.
func TestRunFunctionBudget(t *testing.T) {
	env := func(budget string) string {
		return fmt.Sprintf(xr, "XEnvironment", "gokinjo-abcde", `{"environment":"dev","region":"ap-northeast-1","providerConfigName":"default"`+budget+`}`, "")
	}
	nested := func(kind, params string) string {
		return fmt.Sprintf(xr, kind, "gokinjo-abcde-"+strings.ToLower(kind), params, readyStatus)
	}
	existing := map[string]string{
		"network": nested("XNetwork", `{"environmentId":"gokinjo-abcde","environment":"dev","region":"ap-northeast-1","providerConfigName":"default",
			"cidr":"10.0.0.0/16","availabilityZones":["ap-northeast-1a","ap-northeast-1c","ap-northeast-1d"],"natGateways":"Single","s3GatewayEndpoint":true,"clusterName":"gokinjo-dev"}`),
		"cluster": nested("XCluster", `{"environmentId":"gokinjo-abcde","environment":"dev","region":"ap-northeast-1","providerConfigName":"default",
			"name":"gokinjo-dev","version":"1.33","publicAccessCidrs":["0.0.0.0/0"],"accessEntries":false,"appNamespace":"gokinjo-dev",
			"nodeGroups":[{"name":"general","instanceType":"t3.medium","minSize":2,"maxSize":5,"desiredSize":2},{"name":"compute","instanceType":"c5.xlarge","minSize":0,"maxSize":2,"desiredSize":0}]}`),
		"database": nested("XDatabase", `{"environmentId":"gokinjo-abcde","environment":"dev","region":"ap-northeast-1","providerConfigName":"default",
			"engineVersion":"15.15","instanceClass":"db.t3.medium","allocatedStorage":50,"maxAllocatedStorage":100,"multiAz":false,"readReplica":false,"deletionProtection":false,"backupRetentionDays":7}`),
		"datalake": nested("XDataLake", `{"environmentId":"gokinjo-abcde","environment":"dev","region":"ap-northeast-1","providerConfigName":"default",
			"encryption":"AES256","intelligentTieringAfterDays":0,"glacierAfterDays":90,"noncurrentVersionExpirationDays":90,"retainOnDelete":false,
			"imageRetentionCount":30,"logRetentionDays":7,"budget":{"monthlyLimitUsd":500,"alertEmail":"platform-team@gokinjo.example"}}`),
		"workloads": nested("XWorkloads", `{"environmentId":"gokinjo-abcde","environment":"dev","region":"ap-northeast-1"}`),
	}
	type want struct {
		fatal     string
		warning   string
		condition string
		desired   []string
	}
	cases := map[string]struct {
		reason string
		req    *fnv1.RunFunctionRequest
		want   want
	}{
		"OverBudgetWarns": {
			reason: "the dev preset exceeds its budget at the autoscaling maximum: a warning, WithinBudget=False, every layer composed (the workloads XR once the cluster reports its ProviderConfig)",
			req:    newRequest(env(""), nil),
			want: want{warning: "over budget: estimated 347-798 USD/month exceeds the budget of 500 USD",
				condition: "WithinBudget=False OverBudgetAtMax", desired: []string{"cluster", "database", "datalake", "network"}},
		},
		"HardLimitNewEnvironment": {
			reason: "budget.enforce on a new environment: Fatal, nothing desired, so nothing is created",
			req:    newRequest(env(`,"budget":{"monthlyLimitUsd":500,"enforce":true}`), nil),
			want:   want{fatal: "budget.enforce is true, so nothing is created"},
		},
		"HardLimitExistingEnvironment": {
			reason: "budget.enforce on an existing environment asking for a bigger database: every nested XR stays desired, the growth is held",
			req:    newRequest(env(`,"budget":{"monthlyLimitUsd":500,"enforce":true},"database":{"instanceClass":"db.r6g.large"}`), existing),
			want: want{warning: "budget.enforce: the requested change would cost", condition: "WithinBudget=False HardLimitHeld",
				desired: []string{"cluster", "database", "datalake", "network", "workloads"}},
		},
	}
	f := NewFunction(logging.NewNopLogger())
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rsp, err := f.RunFunction(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			var fatal, warning []string
			for _, r := range rsp.GetResults() {
				switch r.GetSeverity() {
				case fnv1.Severity_SEVERITY_FATAL:
					fatal = append(fatal, r.GetMessage())
				case fnv1.Severity_SEVERITY_WARNING:
					warning = append(warning, r.GetMessage())
				}
			}
			if tc.want.fatal != "" {
				if len(fatal) != 1 || !strings.Contains(fatal[0], tc.want.fatal) {
					t.Errorf("%s: want a Fatal result containing %q, got %v", tc.reason, tc.want.fatal, fatal)
				}
				if n := len(rsp.GetDesired().GetResources()); n != 0 {
					t.Errorf("%s: a refused request must desire nothing, got %d resources", tc.reason, n)
				}
				return
			}
			if len(fatal) != 0 {
				t.Fatalf("%s: unexpected Fatal %v", tc.reason, fatal)
			}
			if !strings.Contains(strings.Join(warning, "\n"), tc.want.warning) {
				t.Errorf("%s: want a warning containing %q, got %v", tc.reason, tc.want.warning, warning)
			}
			var conds []string
			for _, c := range rsp.GetConditions() {
				conds = append(conds, c.GetType()+"="+strings.TrimPrefix(c.GetStatus().String(), "STATUS_CONDITION_")+" "+c.GetReason())
			}
			if !strings.Contains(strings.ToLower(strings.Join(conds, "\n")), strings.ToLower(tc.want.condition)) {
				t.Errorf("%s: want condition %q, got %v", tc.reason, tc.want.condition, conds)
			}
			var got []string
			for n := range rsp.GetDesired().GetResources() {
				got = append(got, n)
			}
			for _, n := range tc.want.desired {
				if !strings.Contains(strings.Join(got, " "), n) {
					t.Errorf("%s: %s must stay desired, desired: %v", tc.reason, n, got)
				}
			}
			if len(got) != len(tc.want.desired) {
				t.Errorf("%s: want %v desired, got %v", tc.reason, tc.want.desired, got)
			}
		})
	}
}
