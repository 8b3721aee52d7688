package database

import (
	"regexp"
	"strings"
	"testing"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	xpv2 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/crossplane/function-sdk-go/resource/composite"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// run composes the layer once with the parameters over observed resources.
func run(t *testing.T, p v1alpha1.DatabaseParameters, observed composetest.Observed) (*compose.State, *composite.Unstructured, error) {
	t.Helper()
	r, err := composetest.Run(t, Layer{}, v1alpha1.KindDatabase, "gokinjo-abcde-db", p, observed)
	return r.State, r.DXR, err
}

// ready returns observed resources of the names, each with Ready=True: the
// primary instance and its log groups once AWS made them.
func ready(names ...string) map[resource.Name]resource.ObservedComposed {
	out := map[resource.Name]resource.ObservedComposed{}
	for _, n := range names {
		u := composed.New()
		u.SetConditions(xpv2.Available())
		out[resource.Name(n)] = resource.ObservedComposed{Resource: u}
	}
	return out
}

// settled is the observed state once the primary and its log groups exist.
func settled() map[resource.Name]resource.ObservedComposed {
	return ready(compInstance, logGroupComponent(compInstance, "postgresql"), logGroupComponent(compInstance, "upgrade"))
}

func boolean(t *testing.T, u *composed.Unstructured, path string) bool {
	t.Helper()
	v, _ := u.GetBool(path)
	return v
}

func TestComposePresets(t *testing.T) {
	type want struct {
		resources          []string
		class              string
		multiAZ            bool
		deletionProtection bool
		deletionPolicy     string
		storage            float64
	}
	cases := map[string]struct {
		reason string
		env    string
		want   want
	}{
		"Dev": {
			reason: "dev is single-AZ, without replica, protection or Orphan policies",
			env:    v1alpha1.EnvDev,
			want: want{
				resources: []string{compInstance, compKMSKey, compParameterGroup, compSecurityGroup, compSubnetGroup, "log-group-instance-postgresql", "log-group-instance-upgrade",
					"usage-log-group-instance-postgresql-by-instance", "usage-log-group-instance-upgrade-by-instance"},
				class: "db.t3.medium", storage: 50, deletionPolicy: "",
			},
		},
		"Staging": {
			reason: "staging is Multi-AZ on db.t3.large, without replica",
			env:    v1alpha1.EnvStaging,
			want: want{
				resources: []string{compInstance, compKMSKey, compParameterGroup, compSecurityGroup, compSubnetGroup, "log-group-instance-postgresql", "log-group-instance-upgrade",
					"usage-log-group-instance-postgresql-by-instance", "usage-log-group-instance-upgrade-by-instance"},
				class: "db.t3.large", storage: 100, multiAZ: true,
			},
		},
		"Prod": {
			reason: "prod is Multi-AZ on db.r6g.large with a replica, deletion protection and Orphan policies",
			env:    v1alpha1.EnvProd,
			want: want{
				resources: []string{compInstance, compReplica, compKMSKey, compParameterGroup, compSecurityGroup, compSubnetGroup,
					"log-group-instance-postgresql", "log-group-instance-upgrade", "log-group-instance-replica-postgresql", "log-group-instance-replica-upgrade"},
				class: "db.r6g.large", storage: 200, multiAZ: true, deletionProtection: true, deletionPolicy: "Orphan",
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := preset.ResolveDatabase(composetest.Owner(tc.env), preset.Presets[tc.env], v1alpha1.EnvironmentParameters{})
			s, _, err := run(t, p, settled())
			if err != nil {
				t.Fatalf("%s: Compose(): %v", tc.reason, err)
			}
			got := s.Names()
			if diff := cmp.Diff(sorted(tc.want.resources), got); diff != "" {
				t.Errorf("%s: resources: -want, +got:\n%s", tc.reason, diff)
			}
			d := s.Desired()
			i := d[compInstance].Resource
			if c := composetest.Str(i, "spec.forProvider.instanceClass"); c != tc.want.class {
				t.Errorf("%s: instanceClass: want %s, got %s", tc.reason, tc.want.class, c)
			}
			if m := boolean(t, i, "spec.forProvider.multiAz"); m != tc.want.multiAZ {
				t.Errorf("%s: multiAz: want %t, got %t", tc.reason, tc.want.multiAZ, m)
			}
			if dp := boolean(t, i, "spec.forProvider.deletionProtection"); dp != tc.want.deletionProtection {
				t.Errorf("%s: deletionProtection: want %t, got %t", tc.reason, tc.want.deletionProtection, dp)
			}
			// The presets take a final snapshot exactly where they protect
			// the instance (prod); TestFinalSnapshot covers the knobs apart.
			if skip := boolean(t, i, "spec.forProvider.skipFinalSnapshot"); skip == tc.want.deletionProtection {
				t.Errorf("%s: skipFinalSnapshot: want %t, got %t", tc.reason, !tc.want.deletionProtection, skip)
			}
			if fs := composetest.Str(i, "spec.forProvider.finalSnapshotIdentifier"); (fs != "") != tc.want.deletionProtection {
				t.Errorf("%s: finalSnapshotIdentifier %q with deletion protection %t", tc.reason, fs, tc.want.deletionProtection)
			}
			var storage float64
			_ = i.GetValueInto("spec.forProvider.allocatedStorage", &storage)
			if storage != tc.want.storage {
				t.Errorf("%s: allocatedStorage: want %v, got %v", tc.reason, tc.want.storage, storage)
			}
			for n, r := range d {
				if r.Resource.GetKind() == mr.ClusterUsageGVK.Kind {
					continue // a Crossplane object, not an AWS resource
				}
				if dp, _ := r.Resource.GetString("spec.deletionPolicy"); dp != tc.want.deletionPolicy {
					t.Errorf("%s: %s deletionPolicy: want %q, got %q", tc.reason, n, tc.want.deletionPolicy, dp)
				}
				tags := map[string]string{}
				_ = r.Resource.GetValueInto("spec.forProvider.tags", &tags)
				if tags["Project"] != "gokinjo" || tags["Environment"] != tc.env || tags["ManagedBy"] != "crossplane" {
					t.Errorf("%s: %s lacks the cost allocation tags: %v", tc.reason, n, tags)
				}
			}
		})
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestInstanceSettings checks what every environment's instance must have.
func TestInstanceSettings(t *testing.T) {
	s, _, err := run(t, preset.ResolveDatabase(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{}), settled())
	if err != nil {
		t.Fatal(err)
	}
	i := s.Desired()[compInstance].Resource
	strs := map[string]string{
		"spec.forProvider.engine":                   "postgres",
		"spec.forProvider.engineVersion":            preset.PostgresEngineVersion,
		"spec.forProvider.storageType":              "gp3",
		"spec.forProvider.backupWindow":             "17:00-18:00",
		"spec.forProvider.maintenanceWindow":        "sun:18:30-sun:19:30",
		"spec.forProvider.username":                 "gokinjo",
		"spec.forProvider.dbName":                   "gokinjo",
		"spec.forProvider.identifier":               "gokinjo-prod",
		"spec.writeConnectionSecretToRef.name":      "gokinjo-prod-db",
		"spec.writeConnectionSecretToRef.namespace": "crossplane-system",
		"spec.forProvider.kmsKeyIdSelector.matchLabels[platform.gokinjo.io/component]": compKMSKey,
	}
	for path, want := range strs {
		if got := composetest.Str(i, path); got != want {
			t.Errorf("%s: want %q, got %q", path, want, got)
		}
	}
	bools := map[string]bool{
		"spec.forProvider.storageEncrypted":           true,
		"spec.forProvider.autoGeneratePassword":       true,
		"spec.forProvider.publiclyAccessible":         false,
		"spec.forProvider.performanceInsightsEnabled": true,
	}
	for path, want := range bools {
		if got := boolean(t, i, path); got != want {
			t.Errorf("%s: want %t, got %t", path, want, got)
		}
	}
	var retention float64
	_ = i.GetValueInto("spec.forProvider.backupRetentionPeriod", &retention)
	if retention != 7 {
		t.Errorf("backupRetentionPeriod: want 7, got %v", retention)
	}
	var logs []string
	_ = i.GetValueInto("spec.forProvider.enabledCloudwatchLogsExports", &logs)
	if diff := cmp.Diff([]string{"postgresql", "upgrade"}, logs); diff != "" {
		t.Errorf("enabledCloudwatchLogsExports: -want, +got:\n%s", diff)
	}
	fp, _ := i.GetValue("spec.forProvider")
	for _, k := range []string{"password", "manageMasterUserPassword"} {
		if _, ok := fp.(map[string]any)[k]; ok {
			t.Errorf("the instance sets %s: the provider generates the password into passwordSecretRef (no manual step, no password in a spec)", k)
		}
	}
	for path, want := range map[string]string{
		"spec.forProvider.passwordSecretRef.name":      "gokinjo-prod-db-password",
		"spec.forProvider.passwordSecretRef.namespace": "crossplane-system",
		"spec.forProvider.passwordSecretRef.key":       "password",
	} {
		if got := composetest.Str(i, path); got != want {
			t.Errorf("%s: want %q, got %q", path, want, got)
		}
	}
	r := s.Desired()[compReplica].Resource
	if got := composetest.Str(r, "spec.forProvider.replicateSourceDbSelector.matchLabels[platform.gokinjo.io/component]"); got != compInstance {
		t.Errorf("replica: replicateSourceDbSelector selects %q, want %q", got, compInstance)
	}
	if dbn := composetest.Str(r, "spec.forProvider.username"); dbn != "" {
		t.Errorf("replica: username %q set; a replica takes its source's", dbn)
	}

	pg := s.Desired()[compParameterGroup].Resource
	var params []struct {
		Name        string `json:"name"`
		Value       string `json:"value"`
		ApplyMethod string `json:"applyMethod"`
	}
	_ = pg.GetValueInto("spec.forProvider.parameter", &params)
	got := map[string]string{}
	for _, p := range params {
		got[p.Name] = p.Value + "/" + p.ApplyMethod
	}
	want := map[string]string{
		"rds.force_ssl": "1/pending-reboot", "log_min_duration_statement": "1000/immediate",
		"log_connections": "1/immediate", "log_disconnections": "1/immediate",
		"shared_preload_libraries": "pg_stat_statements/pending-reboot",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parameter group: -want, +got:\n%s", diff)
	}
	if f := composetest.Str(pg, "spec.forProvider.family"); f != "postgres15" {
		t.Errorf("parameter group family: want postgres15, got %s", f)
	}
}

func TestSelectorsAndIngress(t *testing.T) {
	cases := map[string]struct {
		reason     string
		clientSG   string
		observed   map[resource.Name]resource.ObservedComposed
		want       bool
		wantStatus bool
	}{
		"NoClusterYet": {reason: "without the EKS cluster security group no ingress rule exists at all", want: false},
		"ClusterKnown": {reason: "with the EKS cluster security group, one rule allows 5432 from it; status says so only once it exists",
			clientSG: "sg-0123456789abcdef0", want: true, wantStatus: false},
		"RuleExists": {reason: "once the rule is observed ready, status.clientIngress is true",
			clientSG: "sg-0123456789abcdef0", observed: ready(compIngress), want: true, wantStatus: true},
		"IDNotPassed": {reason: "an existing rule keeps the group it names when the id is not passed (an XR restored without status): dropping it would cut the cluster off the database",
			observed: func() map[resource.Name]resource.ObservedComposed {
				o := ready(compIngress)
				_ = o[compIngress].Resource.SetValue("spec.forProvider.referencedSecurityGroupId", "sg-0123456789abcdef0")
				return o
			}(), want: true, wantStatus: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := preset.ResolveDatabase(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{})
			p.ClientSecurityGroupID = tc.clientSG
			s, dxr, err := run(t, p, tc.observed)
			if err != nil {
				t.Fatal(err)
			}
			d := s.Desired()
			in, ok := d[compIngress]
			if ok != tc.want {
				t.Fatalf("%s: ingress rule composed: want %t, got %t", tc.reason, tc.want, ok)
			}
			if ok {
				u := in.Resource
				if got := composetest.Str(u, "spec.forProvider.referencedSecurityGroupId"); got != "sg-0123456789abcdef0" {
					t.Errorf("%s: referencedSecurityGroupId: want sg-0123456789abcdef0, got %s", tc.reason, got)
				}
				if cidr := composetest.Str(u, "spec.forProvider.cidrIpv4"); cidr != "" {
					t.Errorf("%s: the rule has a CIDR %s; only the security group may reach the database", tc.reason, cidr)
				}
				var from, to float64
				_ = u.GetValueInto("spec.forProvider.fromPort", &from)
				_ = u.GetValueInto("spec.forProvider.toPort", &to)
				if from != 5432 || to != 5432 {
					t.Errorf("%s: ports %v-%v, want 5432", tc.reason, from, to)
				}
			}
			var ingress bool
			_ = dxr.GetValueInto("status.clientIngress", &ingress)
			if ingress != tc.wantStatus {
				t.Errorf("%s: status.clientIngress: want %t, got %t", tc.reason, tc.wantStatus, ingress)
			}
			if ok {
				// Prod orphans the security group, but never the rule: it
				// references the EKS cluster group, which AWS cannot delete
				// while the rule exists.
				if dp, _ := in.Resource.GetString("spec.deletionPolicy"); dp == "Orphan" {
					t.Errorf("%s: the ingress rule is Orphan; it must be deleted with the claim", tc.reason)
				}
			}
			sn := d[compSubnetGroup].Resource
			var l map[string]string
			_ = sn.GetValueInto("spec.forProvider.subnetIdSelector.matchLabels", &l)
			if diff := cmp.Diff(map[string]string{
				"platform.gokinjo.io/environment-id": "gokinjo-abcde",
				"platform.gokinjo.io/layer":          "network",
				"platform.gokinjo.io/tier":           "database",
			}, l); diff != "" {
				t.Errorf("%s: subnet group selector: -want, +got:\n%s", tc.reason, diff)
			}
			_ = d[compSecurityGroup].Resource.GetValueInto("spec.forProvider.vpcIdSelector.matchLabels", &l)
			if l["platform.gokinjo.io/component"] != "vpc" || l["platform.gokinjo.io/environment-id"] != "gokinjo-abcde" {
				t.Errorf("%s: security group vpcIdSelector: %v", tc.reason, l)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := preset.ResolveDatabase(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{})
	cases := map[string]struct {
		reason string
		change func(p *v1alpha1.DatabaseParameters)
		want   string
	}{
		"Presets": {reason: "the prod preset is valid", change: func(*v1alpha1.DatabaseParameters) {}},
		"StorageBelowMinimum": {
			reason: "RDS for PostgreSQL needs at least 20 GiB",
			change: func(p *v1alpha1.DatabaseParameters) { p.AllocatedStorage = 19 },
			want:   `spec.parameters.allocatedStorage: Invalid value: 19: outside 20-65536 GiB, the gp3 limits of RDS for`,
		},
		"MaxStorageTooLow": {
			reason: "the autoscaling limit must be 10% above the allocated storage",
			change: func(p *v1alpha1.DatabaseParameters) { p.AllocatedStorage, p.MaxAllocatedStorage = 100, 105 },
			want:   `spec.parameters.maxAllocatedStorage: Invalid value: 105: must be at least 10% above allocatedStorage (110 GiB`,
		},
		"BackupRetentionZero": {
			reason: "backups are on: at least 1 day",
			change: func(p *v1alpha1.DatabaseParameters) { p.BackupRetentionDays = 0 },
			want:   `spec.parameters.backupRetentionDays: Invalid value: 0: outside 1-35 days, the automated backup retention RDS`,
		},
		"BackupRetentionTooLong": {
			reason: "RDS keeps backups at most 35 days",
			change: func(p *v1alpha1.DatabaseParameters) { p.BackupRetentionDays = 36 },
			want:   `spec.parameters.backupRetentionDays: Invalid value: 36: outside 1-35 days, the automated backup retention RDS`,
		},
		"MultiAZOnMicro": {
			reason: "micro and small classes cannot run Multi-AZ here",
			change: func(p *v1alpha1.DatabaseParameters) { p.InstanceClass, p.ReadReplica = "db.t3.micro", false },
			want:   `spec.parameters.multiAz: Invalid value: true: instance class db.t3.micro is too small for Multi-AZ on this`,
		},
		"ReplicaOnSmall": {
			reason: "micro and small classes cannot have a read replica here",
			change: func(p *v1alpha1.DatabaseParameters) { p.InstanceClass, p.MultiAZ = "db.t4g.small", false },
			want:   `spec.parameters.readReplica: Invalid value: true: instance class db.t4g.small is too small for a read replica`,
		},
		"MicroSingleAZ": {
			reason: "a micro class is fine alone",
			change: func(p *v1alpha1.DatabaseParameters) {
				p.InstanceClass, p.MultiAZ, p.ReadReplica = "db.t4g.micro", false, false
			},
		},
		"NotPostgres15": {
			reason: "the parameter group family is postgres15",
			change: func(p *v1alpha1.DatabaseParameters) { p.EngineVersion = "16.3" },
			want:   `spec.parameters.engineVersion: Invalid value: "16.3": not a PostgreSQL 15 version (the parameter group family`,
		},
		"BadClass": {
			reason: "an instance class must be one RDS offers (facts), named with the allowed ones",
			change: func(p *v1alpha1.DatabaseParameters) { p.InstanceClass = "t3.medium" },
			want:   `spec.parameters.instanceClass: Invalid value: "t3.medium": not an RDS for PostgreSQL instance class this`,
		},
		"PreviousGeneration": {
			reason: "a previous-generation class is refused with a current one to use",
			change: func(p *v1alpha1.DatabaseParameters) { p.InstanceClass = "db.r5.large" },
			want:   `spec.parameters.instanceClass: Invalid value: "db.r5.large": a previous-generation class: use a current one,`,
		},
		"RetiredMinor": {
			reason: "RDS no longer creates 15.4: refused, naming the versions it creates",
			change: func(p *v1alpha1.DatabaseParameters) { p.EngineVersion = "15.4" },
			want:   `spec.parameters.engineVersion: Invalid value: "15.4": RDS no longer creates instances of this version: use one of ` + facts.RDS.CreatableVersions()[0],
		},
		"UnknownMinor": {
			reason: "a 15.x minor RDS never offered is refused",
			change: func(p *v1alpha1.DatabaseParameters) { p.EngineVersion = "15.99" },
			want:   `spec.parameters.engineVersion: Invalid value: "15.99": not a PostgreSQL version RDS creates: use one of 15.15`,
		},
		"StorageAboveMaximum": {
			reason: "gp3 holds at most 65536 GiB, and autoscaling needs room above the allocation",
			change: func(p *v1alpha1.DatabaseParameters) { p.AllocatedStorage, p.MaxAllocatedStorage = 65536, 65536 },
			want:   `spec.parameters.allocatedStorage: Invalid value: 65536: 65536 GiB leaves no room for storage autoscaling`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := ok
			tc.change(&p)
			err := Validate(p, field.NewPath("spec", "parameters")).ToAggregate()
			if tc.want == "" {
				if err != nil {
					t.Errorf("%s: want no error, got %v", tc.reason, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: want error containing %q, got %v", tc.reason, tc.want, err)
			}
			if _, _, cerr := run(t, p, nil); cerr == nil || cerr.Error() != err.Error() {
				t.Errorf("%s: Compose() must refuse with the same error, got %v", tc.reason, cerr)
			}
		})
	}
}

func TestStatus(t *testing.T) {
	inst := composed.New()
	inst.SetAPIVersion("rds.aws.upbound.io/v1beta2")
	inst.SetKind("Instance")
	_ = inst.SetValue("status.atProvider", map[string]any{
		"address":          "gokinjo-prod.abc.ap-northeast-1.rds.amazonaws.com",
		"endpoint":         "gokinjo-prod.abc.ap-northeast-1.rds.amazonaws.com:5432",
		"port":             5432.0,
		"masterUserSecret": []any{map[string]any{"secretArn": "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:rds!db-x"}},
	})
	// Not ready yet: the connection secret is not reported (its keys are
	// not published yet).
	_, early, err := run(t, preset.ResolveDatabase(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{}),
		map[resource.Name]resource.ObservedComposed{compInstance: {Resource: inst.DeepCopy()}})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := early.GetValue("status.connectionSecret"); err == nil && v != nil {
		t.Errorf("status.connectionSecret = %v before the instance is ready: a reader would find no keys", v)
	}
	_ = inst.SetValue("status.conditions", []any{map[string]any{"type": "Ready", "status": "True", "reason": "Available", "lastTransitionTime": "2026-11-30T10:00:00Z"}})
	rep := composed.New()
	rep.SetAPIVersion("rds.aws.upbound.io/v1beta2")
	rep.SetKind("Instance")
	_ = rep.SetValue("status.atProvider.endpoint", "gokinjo-prod-replica.abc.ap-northeast-1.rds.amazonaws.com:5432")
	observed := map[resource.Name]resource.ObservedComposed{compInstance: {Resource: inst}, compReplica: {Resource: rep}}
	_, dxr, err := run(t, preset.ResolveDatabase(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{}), observed)
	if err != nil {
		t.Fatal(err)
	}
	var got v1alpha1.DatabaseStatus
	if err := dxr.GetValueInto("status", &got); err != nil {
		t.Fatal(err)
	}
	want := v1alpha1.DatabaseStatus{
		Endpoint:            "gokinjo-prod.abc.ap-northeast-1.rds.amazonaws.com:5432",
		Address:             "gokinjo-prod.abc.ap-northeast-1.rds.amazonaws.com",
		ReaderEndpoint:      "gokinjo-prod-replica.abc.ap-northeast-1.rds.amazonaws.com:5432",
		Port:                5432,
		ConnectionSecret:    &v1alpha1.SecretReference{Name: "gokinjo-prod-db", Namespace: "crossplane-system"},
		MasterUserSecretARN: "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:rds!db-x",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status: -want, +got:\n%s", diff)
	}
}

// TestReplicaWaitsForPrimary: RDS refuses a replica of a source that is not
// available, so the replica is composed only once the primary is ready, and
// never dropped once it exists.
func TestReplicaWaitsForPrimary(t *testing.T) {
	cases := map[string]struct {
		reason   string
		observed map[resource.Name]resource.ObservedComposed
		want     bool
	}{
		"FirstReconcile": {reason: "nothing exists yet: no replica", want: false},
		"PrimaryNotReady": {reason: "the primary exists but is not ready: no replica",
			observed: map[resource.Name]resource.ObservedComposed{compInstance: {Resource: composed.New()}}, want: false},
		"PrimaryReady":  {reason: "the primary is ready: the replica is composed", observed: ready(compInstance), want: true},
		"ReplicaExists": {reason: "the replica exists: it stays even if the primary is momentarily not ready", observed: ready(compReplica), want: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := composetest.MustRun(t, Layer{}, v1alpha1.KindDatabase, "gokinjo-abcde-db", preset.ResolveDatabase(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{}), tc.observed)
			s := r.State
			if _, ok := s.Desired()[compReplica]; ok != tc.want {
				t.Errorf("%s: replica composed %t, want %t", tc.reason, ok, tc.want)
			}
			if waits := len(s.Waiting()) > 0; waits == tc.want {
				t.Errorf("%s: the XR waits %t (%v); it must wait exactly while the replica is held back", tc.reason, waits, s.Waiting())
			}
		})
	}
}

// TestLogGroupsBeforeExports: RDS creates /aws/rds/instance/<id>/<log> with
// no retention if it exports first, so the groups are composed with
// retention and the exports are turned on only once they exist.
func TestLogGroupsBeforeExports(t *testing.T) {
	p := preset.ResolveDatabase(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{})
	exports := func(s *compose.State) []string {
		var out []string
		_ = s.Desired()[compInstance].Resource.GetValueInto("spec.forProvider.enabledCloudwatchLogsExports", &out)
		return out
	}
	s, _, err := run(t, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := exports(s); len(got) != 0 {
		t.Errorf("first reconcile: the instance exports %v before its log groups exist", got)
	}
	for _, lt := range []string{"postgresql", "upgrade"} {
		g := s.Desired()[resource.Name(logGroupComponent(compInstance, lt))]
		if g == nil {
			t.Fatalf("no log group for %s", lt)
		}
		if name := g.Resource.GetAnnotations()[meta.AnnotationKeyExternalName]; name != "/aws/rds/instance/gokinjo-prod/"+lt {
			t.Errorf("log group %s: external name %q, want the group RDS exports into", lt, name)
		}
		var days float64
		_ = g.Resource.GetValueInto("spec.forProvider.retentionInDays", &days)
		if days != 90 {
			t.Errorf("log group %s: retention %v days, want prod's 90", lt, days)
		}
	}
	s, _, err = run(t, p, settled())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"postgresql", "upgrade"}, exports(s)); diff != "" {
		t.Errorf("once the log groups exist the instance exports both logs: -want, +got:\n%s", diff)
	}
}

// TestParameterGroupApplyMethods guards against the provider-aws v1.23.0
// Modify loop (crossplane-contrib/provider-upjet-aws#1286, fixed after
// v1.23.0): AWS ignores an apply method unless the value changes and reports
// pending-reboot for a parameter it was not asked to change. So, by the RDS
// facts, a parameter whose value equals the RDS default, or that is static,
// uses pending-reboot (what AWS reports); every other one immediate.
func TestParameterGroupApplyMethods(t *testing.T) {
	p := preset.ResolveDatabase(composetest.Owner(v1alpha1.EnvDev), preset.Presets[v1alpha1.EnvDev], v1alpha1.EnvironmentParameters{})
	s, _, err := run(t, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	var params []struct {
		Name        string `json:"name"`
		Value       string `json:"value"`
		ApplyMethod string `json:"applyMethod"`
	}
	_ = s.Desired()[compParameterGroup].Resource.GetValueInto("spec.forProvider.parameter", &params)
	if len(params) != len(dbParameters) {
		t.Fatalf("%d parameters composed, want %d", len(params), len(dbParameters))
	}
	for _, c := range params {
		d, ok := facts.RDS.Parameter(c.Name)
		if !ok {
			t.Errorf("%s: no RDS default in internal/facts/data/rds.yaml parameterDefaults: add it with its source", c.Name)
			continue
		}
		want := "immediate"
		if c.Value == d.Default || d.Apply == "static" {
			want = "pending-reboot"
		}
		if c.ApplyMethod != want {
			t.Errorf("%s=%s (RDS default %q, %s): apply method %q, want %q", c.Name, c.Value, d.Default, d.Apply, c.ApplyMethod, want)
		}
	}
}

// TestFinalSnapshot: the final snapshot is its own knob. Deletion protection
// alone never lets Crossplane delete the instance (everything is Orphan), so
// the snapshot matters when protection is off: then RDS must take it, keep
// the automated backups (the provider deletes them by default), and the
// KMS key encrypting both must stay. A read replica takes none (RDS refuses
// FinalDBSnapshotIdentifier for one).
func TestFinalSnapshot(t *testing.T) {
	yes, no := true, false
	cases := map[string]struct {
		reason     string
		env        string
		protection bool
		final      *bool
		want       bool
	}{
		"Prod":               {reason: "prod: protected, with a final snapshot", env: v1alpha1.EnvProd, protection: true, final: &yes, want: true},
		"ProdTornDown":       {reason: "prod with protection turned off to delete it: the final snapshot stays", env: v1alpha1.EnvProd, final: &yes, want: true},
		"Dev":                {reason: "dev: neither", env: v1alpha1.EnvDev, final: &no},
		"DevWithSnapshot":    {reason: "dev may keep a final snapshot without protection", env: v1alpha1.EnvDev, final: &yes, want: true},
		"ProtectedNoSnap":    {reason: "protection without a final snapshot", env: v1alpha1.EnvProd, protection: true, final: &no},
		"LegacyProtected":    {reason: "an XDatabase written before finalSnapshot existed: protection meant a final snapshot", env: v1alpha1.EnvProd, protection: true, want: true},
		"LegacyNotProtected": {reason: "an XDatabase written before finalSnapshot existed, unprotected: none", env: v1alpha1.EnvStaging},
	}
	snapshotName := regexp.MustCompile(facts.Limits.Names["rdsSnapshotIdentifier"].Pattern)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := preset.ResolveDatabase(composetest.Owner(tc.env), preset.Presets[tc.env], v1alpha1.EnvironmentParameters{})
			p.DeletionProtection, p.FinalSnapshot = tc.protection, tc.final
			s, _, err := run(t, p, ready(compInstance, compReplica))
			if err != nil {
				t.Fatal(err)
			}
			d := s.Desired()
			i := d[compInstance].Resource
			if skip := boolean(t, i, "spec.forProvider.skipFinalSnapshot"); skip == tc.want {
				t.Errorf("%s: skipFinalSnapshot %t", tc.reason, skip)
			}
			id := composetest.Str(i, "spec.forProvider.finalSnapshotIdentifier")
			keepBackups, set := i.GetBool("spec.forProvider.deleteAutomatedBackups")
			if tc.want {
				// <identifier>-final-<hash of the XEnvironment>: unique per
				// environment (naming tests the hash).
				prefix := "gokinjo-" + tc.env + "-final-"
				if !strings.HasPrefix(id, prefix) || len(id) != len(prefix)+naming.HashLength || !snapshotName.MatchString(id) {
					t.Errorf("%s: finalSnapshotIdentifier %q, want %s<hash>, a valid snapshot name", tc.reason, id, prefix)
				}
				if set != nil || keepBackups {
					t.Errorf("%s: deleteAutomatedBackups must be false (the provider's default deletes them)", tc.reason)
				}
			} else if id != "" || set == nil {
				t.Errorf("%s: no final snapshot, but finalSnapshotIdentifier %q or deleteAutomatedBackups set", tc.reason, id)
			}
			key, _ := d[compKMSKey].Resource.GetString("spec.deletionPolicy")
			if (key == "Orphan") != (tc.want || tc.protection) {
				t.Errorf("%s: KMS key deletionPolicy %q: the key must be kept exactly when the snapshot or the instance is", tc.reason, key)
			}
			if inst, _ := i.GetString("spec.deletionPolicy"); (inst == "Orphan") != tc.protection {
				t.Errorf("%s: instance deletionPolicy %q with deletion protection %t", tc.reason, inst, tc.protection)
			}
			if r, ok := d[compReplica]; ok {
				if !boolean(t, r.Resource, "spec.forProvider.skipFinalSnapshot") || composetest.Str(r.Resource, "spec.forProvider.finalSnapshotIdentifier") != "" {
					t.Errorf("%s: the replica must skip its final snapshot (RDS takes none of a read replica)", tc.reason)
				}
			}
		})
	}
}

// TestFinalSnapshotNameChange: an instance created with the old fixed name
// <identifier>-final gets the per-environment name. DeleteDBInstance is the
// only reader of the field, so the change is in place; no guard may refuse it.
func TestFinalSnapshotNameChange(t *testing.T) {
	p := preset.ResolveDatabase(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{})
	observed := ready(compInstance)
	inst := observed[compInstance].Resource
	inst.SetAPIVersion("rds.aws.upbound.io/v1beta2")
	inst.SetKind("Instance")
	_ = inst.SetValue("spec.forProvider", map[string]any{
		"identifier": "gokinjo-prod", "engine": "postgres", "engineVersion": p.EngineVersion, "dbName": DBName, "username": MasterUsername,
		"storageEncrypted": true, "allocatedStorage": float64(p.AllocatedStorage),
		"skipFinalSnapshot": false, "finalSnapshotIdentifier": "gokinjo-prod-final",
	})
	s, _, err := run(t, p, observed)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.GuardReplacement(); err != nil {
		t.Errorf("changing the final snapshot name is refused: %v", err)
	}
	if got := composetest.Str(s.Desired()[compInstance].Resource, "spec.forProvider.finalSnapshotIdentifier"); got == "gokinjo-prod-final" {
		t.Errorf("finalSnapshotIdentifier kept the fixed name %q, which a re-created claim would collide with", got)
	}
}

// TestLogGroupUsages: a log group that is deleted with the claim waits for
// its instance (RDS re-creates a missing export group without retention
// while the instance runs); orphaned groups need no Usage.
func TestLogGroupUsages(t *testing.T) {
	cases := map[string]struct {
		reason     string
		env        string
		protection bool
		want       int
	}{
		"Dev":             {reason: "dev deletes the primary's two groups: two Usages", env: v1alpha1.EnvDev, want: 2},
		"ProdOrphan":      {reason: "prod orphans its groups: no Usage", env: v1alpha1.EnvProd, protection: true},
		"ProdUnprotected": {reason: "prod without protection deletes the primary's and the replica's groups: four Usages", env: v1alpha1.EnvProd, want: 4},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := preset.ResolveDatabase(composetest.Owner(tc.env), preset.Presets[tc.env], v1alpha1.EnvironmentParameters{})
			p.DeletionProtection = tc.protection
			s, _, err := run(t, p, ready(compInstance, compReplica))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for name, d := range s.Desired() {
				u := d.Resource
				if u.GetKind() != mr.ClusterUsageGVK.Kind {
					continue
				}
				n++
				var of, by struct {
					Kind             string `json:"kind"`
					ResourceSelector struct {
						MatchControllerRef bool              `json:"matchControllerRef"`
						MatchLabels        map[string]string `json:"matchLabels"`
					} `json:"resourceSelector"`
				}
				_ = u.GetValueInto("spec.of", &of)
				_ = u.GetValueInto("spec.by", &by)
				group, inst := of.ResourceSelector.MatchLabels[naming.LabelComponent], by.ResourceSelector.MatchLabels[naming.LabelComponent]
				g, ok := s.Desired()[resource.Name(group)]
				if !ok || of.Kind != "Group" || g.Resource.GetKind() != "Group" || !of.ResourceSelector.MatchControllerRef {
					t.Errorf("%s: %s: of selects %s %q, not a log group of this XR", tc.reason, name, of.Kind, group)
					continue
				}
				i, ok := s.Desired()[resource.Name(inst)]
				if !ok || by.Kind != "Instance" || i.Resource.GetKind() != "Instance" || !by.ResourceSelector.MatchControllerRef {
					t.Errorf("%s: %s: by selects %s %q, not an instance of this XR", tc.reason, name, by.Kind, inst)
					continue
				}
				id := composetest.Str(i.Resource, "spec.forProvider.identifier")
				if ext := g.Resource.GetAnnotations()[meta.AnnotationKeyExternalName]; !strings.HasPrefix(ext, LogGroupName(id, "")) {
					t.Errorf("%s: %s keeps %s until %s, which does not export into it", tc.reason, name, ext, id)
				}
			}
			if n != tc.want {
				t.Errorf("%s: %d Usages, want %d", tc.reason, n, tc.want)
			}
		})
	}
}

// TestProtectionOffOnceAWSReportsIt: a claim that turns deletion protection
// off keeps deletion policy Orphan (and says why) until AWS reports the
// protection off: a claim deleted before the provider's ModifyDBInstance
// would otherwise have its instance's deletion refused by RDS for ever.
func TestProtectionOffOnceAWSReportsIt(t *testing.T) {
	cases := map[string]struct {
		reason string
		inAWS  bool
		orphan bool
	}{
		"StillOnInAWS": {reason: "AWS still reports protection on: everything stays Orphan", inAWS: true, orphan: true},
		"OffInAWS":     {reason: "AWS reports protection off: everything is deleted with the claim", inAWS: false, orphan: false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := preset.ResolveDatabase(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{})
			p.DeletionProtection = false
			observed := settled()
			_ = observed[compInstance].Resource.SetValue("status.atProvider.deletionProtection", tc.inAWS)
			r := composetest.MustRun(t, Layer{}, v1alpha1.KindDatabase, "gokinjo-abcde-db", p, observed)
			for _, comp := range []string{compInstance, compSubnetGroup, compSecurityGroup} { // The key stays with the final snapshot (keySpec).
				got := composetest.Str(r.State.Desired()[resource.Name(comp)].Resource, "spec.deletionPolicy") == "Orphan"
				if got != tc.orphan {
					t.Errorf("%s: %s orphaned %v, want %v", tc.reason, comp, got, tc.orphan)
				}
			}
			warned := strings.Contains(strings.Join(r.XR.Warnings(), ";"), "AWS still reports it on")
			if warned != tc.orphan {
				t.Errorf("%s: warning %v, want %v (%v)", tc.reason, warned, tc.orphan, r.XR.Warnings())
			}
		})
	}
}
