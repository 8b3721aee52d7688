package datalake

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/crossplane/crossplane-runtime/pkg/meta"
	xpv2 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/crossplane/function-sdk-go/resource/composite"
	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// run composes the layer once with the parameters over observed resources.
func run(t *testing.T, p v1alpha1.DataLakeParameters, observed composetest.Observed) (*compose.State, *composite.Unstructured, error) {
	t.Helper()
	r, err := composetest.Run(t, Layer{}, v1alpha1.KindDataLake, "gokinjo-abcde-lake", p, observed)
	return r.State, r.DXR, err
}

func get(u *composed.Unstructured, path string, out any) {
	_ = u.GetValueInto(path, out)
}

type lifecycleRule struct {
	Status     string `json:"status"`
	Transition []struct {
		Days         float64 `json:"days"`
		StorageClass string  `json:"storageClass"`
	} `json:"transition"`
	NoncurrentVersionExpiration []struct {
		NoncurrentDays float64 `json:"noncurrentDays"`
	} `json:"noncurrentVersionExpiration"`
	AbortIncompleteMultipartUpload []struct {
		DaysAfterInitiation float64 `json:"daysAfterInitiation"`
	} `json:"abortIncompleteMultipartUpload"`
	Expiration []struct {
		Days                      float64 `json:"days"`
		ExpiredObjectDeleteMarker bool    `json:"expiredObjectDeleteMarker"`
	} `json:"expiration"`
}

// TestBuckets proves every bucket of every environment has versioning,
// encryption, a full public access block, owner-enforced ownership, a
// TLS-only policy and the 90-day Glacier rule, and never forceDestroy.
func TestBuckets(t *testing.T) {
	cases := map[string]struct {
		reason         string
		env            string
		tiering        float64
		deletionPolicy string
		logRetention   float64
		budget         string
	}{
		"Dev":     {reason: "dev: Standard then Glacier, Delete policy", env: v1alpha1.EnvDev, logRetention: 7, budget: "500"},
		"Staging": {reason: "staging adds Intelligent-Tiering at 30 days", env: v1alpha1.EnvStaging, tiering: 30, logRetention: 30, budget: "800"},
		"Prod":    {reason: "prod adds Intelligent-Tiering and orphans the buckets", env: v1alpha1.EnvProd, tiering: 30, deletionPolicy: "Orphan", logRetention: 90, budget: "2000"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := preset.ResolveDataLake(composetest.Owner(tc.env), preset.Presets[tc.env], v1alpha1.EnvironmentParameters{})
			s, dxr, err := run(t, p, nil)
			if err != nil {
				t.Fatalf("%s: Compose(): %v", tc.reason, err)
			}
			d := s.Desired()
			for _, tier := range Tiers {
				comp := bucketComponent(tier)
				b, ok := d[resource.Name(comp)]
				if !ok {
					t.Fatalf("%s: no %s", tc.reason, comp)
				}
				name := "gokinjo-" + tier + "-" + tc.env
				if got := b.Resource.GetAnnotations()[meta.AnnotationKeyExternalName]; got != name {
					t.Errorf("%s: %s external name: want %s, got %s", tc.reason, comp, name, got)
				}
				// Deleted with the claim (not retained), a versioned bucket
				// is never empty: it must be emptied or deletion never ends.
				// Retained (prod), it is Orphan and never emptied.
				wantForce := tc.env != "prod"
				if fd, err := b.Resource.GetBool("spec.forProvider.forceDestroy"); err != nil || fd != wantForce {
					t.Errorf("%s: %s forceDestroy = %t (%v), want %t", tc.reason, comp, fd, err, wantForce)
				}
				repo := d[resource.Name(repositoryComponent("api"))].Resource
				if fd, err := repo.GetBool("spec.forProvider.forceDelete"); err != nil || fd != wantForce {
					t.Errorf("%s: ECR forceDelete = %t (%v), want %t", tc.reason, fd, err, wantForce)
				}
				for _, sub := range []string{"", "-versioning", "-encryption", "-public-access-block", "-ownership", "-policy", "-lifecycle"} {
					r, ok := d[resource.Name(comp+sub)]
					if !ok {
						t.Errorf("%s: %s%s is missing", tc.reason, comp, sub)
						continue
					}
					if dp, _ := r.Resource.GetString("spec.deletionPolicy"); dp != tc.deletionPolicy {
						t.Errorf("%s: %s%s deletionPolicy: want %q, got %q", tc.reason, comp, sub, tc.deletionPolicy, dp)
					}
				}
				if v, _ := d[resource.Name(comp+"-versioning")].Resource.GetString("spec.forProvider.versioningConfiguration[0].status"); v != "Enabled" {
					t.Errorf("%s: %s versioning %q", tc.reason, comp, v)
				}
				if a, _ := d[resource.Name(comp+"-encryption")].Resource.GetString("spec.forProvider.rule[0].applyServerSideEncryptionByDefault[0].sseAlgorithm"); a != "AES256" {
					t.Errorf("%s: %s encryption %q, want AES256", tc.reason, comp, a)
				}
				pab := d[resource.Name(comp+"-public-access-block")].Resource
				for _, f := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
					if v, _ := pab.GetBool("spec.forProvider." + f); !v {
						t.Errorf("%s: %s public access block %s is not true", tc.reason, comp, f)
					}
				}
				if o, _ := d[resource.Name(comp+"-ownership")].Resource.GetString("spec.forProvider.rule[0].objectOwnership"); o != "BucketOwnerEnforced" {
					t.Errorf("%s: %s ownership %q", tc.reason, comp, o)
				}
				pol, _ := d[resource.Name(comp+"-policy")].Resource.GetString("spec.forProvider.policy")
				if !strings.Contains(pol, `"aws:SecureTransport":"false"`) || !strings.Contains(pol, `"Effect":"Deny"`) || !strings.Contains(pol, "arn:aws:s3:::"+name+"/*") {
					t.Errorf("%s: %s policy does not deny insecure transport: %s", tc.reason, comp, pol)
				}
				var rules []lifecycleRule
				get(d[resource.Name(comp+"-lifecycle")].Resource, "spec.forProvider.rule", &rules)
				if len(rules) != 2 {
					t.Fatalf("%s: %s lifecycle rules: %d, want the archive rule and the delete-marker rule", tc.reason, comp, len(rules))
				}
				if m := rules[1]; m.Status != "Enabled" || len(m.Expiration) != 1 || !m.Expiration[0].ExpiredObjectDeleteMarker || m.Expiration[0].Days != 0 || len(m.Transition) != 0 {
					t.Errorf("%s: %s delete-marker rule %+v: want only expiredObjectDeleteMarker (S3 refuses it beside expiration days)", tc.reason, comp, m)
				}
				r := rules[0]
				got := map[string]float64{}
				for _, tr := range r.Transition {
					got[tr.StorageClass] = tr.Days
				}
				want := map[string]float64{"GLACIER": 90}
				if tc.tiering > 0 {
					want["INTELLIGENT_TIERING"] = tc.tiering
				}
				if diff := cmp.Diff(want, got); diff != "" || r.Status != "Enabled" {
					t.Errorf("%s: %s transitions (status %s): -want, +got:\n%s", tc.reason, comp, r.Status, diff)
				}
				if len(r.NoncurrentVersionExpiration) != 1 || r.NoncurrentVersionExpiration[0].NoncurrentDays != 90 {
					t.Errorf("%s: %s noncurrent version expiration: %+v", tc.reason, comp, r.NoncurrentVersionExpiration)
				}
				if len(r.AbortIncompleteMultipartUpload) != 1 || r.AbortIncompleteMultipartUpload[0].DaysAfterInitiation != 7 {
					t.Errorf("%s: %s abort incomplete multipart: %+v", tc.reason, comp, r.AbortIncompleteMultipartUpload)
				}
			}
			for _, app := range LogApps {
				var days float64
				get(d[resource.Name("log-group-"+app)].Resource, "spec.forProvider.retentionInDays", &days)
				if days != tc.logRetention {
					t.Errorf("%s: log group %s retention: want %v, got %v", tc.reason, app, tc.logRetention, days)
				}
			}
			for _, app := range Apps {
				r := d[resource.Name(repositoryComponent(app))].Resource
				if m, _ := r.GetString("spec.forProvider.imageTagMutability"); m != "IMMUTABLE" {
					t.Errorf("%s: ECR %s imageTagMutability %q", tc.reason, app, m)
				}
				if s, _ := r.GetBool("spec.forProvider.imageScanningConfiguration[0].scanOnPush"); !s {
					t.Errorf("%s: ECR %s does not scan on push", tc.reason, app)
				}
				pol, _ := d[resource.Name(repositoryComponent(app)+"-lifecycle")].Resource.GetString("spec.forProvider.policy")
				if !strings.Contains(pol, `"countNumber":30`) {
					t.Errorf("%s: ECR %s lifecycle policy does not keep 30 images: %s", tc.reason, app, pol)
				}
			}
			b := d[compBudget].Resource
			if l, _ := b.GetString("spec.forProvider.limitAmount"); l != tc.budget {
				t.Errorf("%s: budget limit: want %s, got %s", tc.reason, tc.budget, l)
			}
			if f, _ := b.GetString("spec.forProvider.costFilter[0].values[0]"); f != "user:EnvironmentId$gokinjo-"+tc.env {
				t.Errorf("%s: budget cost filter %q", tc.reason, f)
			}
			var notes []struct {
				Threshold        float64  `json:"threshold"`
				NotificationType string   `json:"notificationType"`
				Emails           []string `json:"subscriberEmailAddresses"`
			}
			get(b, "spec.forProvider.notification", &notes)
			if len(notes) != 2 || notes[0].Threshold != 80 || notes[1].Threshold != 100 || notes[0].NotificationType != "ACTUAL" || notes[0].Emails[0] != preset.DefaultAlertEmail {
				t.Errorf("%s: budget notifications: %+v", tc.reason, notes)
			}
			for n, r := range d {
				tags := map[string]string{}
				get(r.Resource, "spec.forProvider.tags", &tags)
				kind := r.Resource.GetKind()
				if kind == "Bucket" || kind == "Repository" || kind == "Group" || kind == "Budget" || kind == "Key" {
					if tags["Project"] != "gokinjo" || tags["Environment"] != tc.env || tags["ManagedBy"] != "crossplane" {
						t.Errorf("%s: %s lacks the cost allocation tags: %v", tc.reason, n, tags)
					}
				}
			}
			var st v1alpha1.DataLakeStatus
			_ = dxr.GetValueInto("status", &st)
			if len(st.Buckets) != 3 || st.Buckets[0].ARN != "arn:aws:s3:::gokinjo-raw-"+tc.env {
				t.Errorf("%s: status buckets: %+v", tc.reason, st.Buckets)
			}
		})
	}
}

func TestKMSEncryption(t *testing.T) {
	p := preset.ResolveDataLake(composetest.Owner(v1alpha1.EnvStaging), preset.Presets[v1alpha1.EnvStaging], v1alpha1.EnvironmentParameters{DataLake: &v1alpha1.DataLakeOverrides{Encryption: v1alpha1.EncryptionKMS, BucketSuffix: "tokyo1"}})
	s, _, err := run(t, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := s.Desired()
	k, ok := d[compKMSKey]
	if !ok {
		t.Fatal("aws:kms encryption composes no KMS key")
	}
	if r, _ := k.Resource.GetBool("spec.forProvider.enableKeyRotation"); !r {
		t.Error("the data-lake key does not rotate")
	}
	enc := d["bucket-raw-encryption"].Resource
	if a, _ := enc.GetString("spec.forProvider.rule[0].applyServerSideEncryptionByDefault[0].sseAlgorithm"); a != "aws:kms" {
		t.Errorf("sseAlgorithm %q, want aws:kms", a)
	}
	if c, _ := enc.GetString("spec.forProvider.rule[0].applyServerSideEncryptionByDefault[0].kmsMasterKeyIdSelector.matchLabels[platform.gokinjo.io/component]"); c != compKMSKey {
		t.Errorf("kmsMasterKeyIdSelector selects %q", c)
	}
	if n := d["bucket-curated"].Resource.GetAnnotations()[meta.AnnotationKeyExternalName]; n != "gokinjo-curated-staging-tokyo1" {
		t.Errorf("bucket name with suffix: %s", n)
	}
}

func TestValidate(t *testing.T) {
	ok := preset.ResolveDataLake(composetest.Owner(v1alpha1.EnvStaging), preset.Presets[v1alpha1.EnvStaging], v1alpha1.EnvironmentParameters{})
	cases := map[string]struct {
		reason string
		change func(p *v1alpha1.DataLakeParameters)
		want   string
	}{
		"Presets": {reason: "the staging preset is valid", change: func(*v1alpha1.DataLakeParameters) {}},
		"SuffixUppercase": {
			reason: "bucket names are lowercase",
			change: func(p *v1alpha1.DataLakeParameters) { p.BucketSuffix = "Tokyo" },
			want:   `spec.parameters.bucketSuffix: Invalid value: "Tokyo": must be lowercase letters, digits and hyphens, starting`,
		},
		"SuffixTrailingHyphen": {
			reason: "bucket names end with a letter or digit",
			change: func(p *v1alpha1.DataLakeParameters) { p.BucketSuffix = "a-" },
			want:   `spec.parameters.bucketSuffix: Invalid value: "a-": must be lowercase letters, digits and hyphens, starting`,
		},
		"SuffixDot": {
			reason: "dots break virtual-host TLS; not allowed",
			change: func(p *v1alpha1.DataLakeParameters) { p.BucketSuffix = "a.b" },
			want:   `spec.parameters.bucketSuffix: Invalid value: "a.b": must be lowercase letters, digits and hyphens, starting`,
		},
		"SuffixTooLong": {
			reason: "gokinjo-processed-staging-<suffix> must fit 63 characters",
			change: func(p *v1alpha1.DataLakeParameters) { p.BucketSuffix = strings.Repeat("a", 38) },
			want:   `spec.parameters.bucketSuffix: Invalid value: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": bucket name`,
		},
		"SuffixLongestAllowed": {
			reason: "a 37-character suffix fits in staging",
			change: func(p *v1alpha1.DataLakeParameters) { p.BucketSuffix = strings.Repeat("a", 37) },
		},
		"SuffixReserved": {
			reason: "S3 reserves -s3alias",
			change: func(p *v1alpha1.DataLakeParameters) { p.BucketSuffix = "x-s3alias" },
			want:   `spec.parameters.bucketSuffix: Invalid value: "x-s3alias": ends with -s3alias, which S3 reserves`,
		},
		"GlacierZero": {
			reason: "a lifecycle transition needs days",
			change: func(p *v1alpha1.DataLakeParameters) { p.GlacierAfterDays = 0 },
			want:   `spec.parameters.glacierAfterDays: Invalid value: 0: below the minimum of 30 days,`,
		},
		"GlacierBelowMinimum": {
			reason: "Glacier before 30 days is refused",
			change: func(p *v1alpha1.DataLakeParameters) { p.GlacierAfterDays = 29 },
			want:   `spec.parameters.glacierAfterDays: Invalid value: 29: below the minimum of 30 days,`,
		},
		"TieringAfterGlacier": {
			reason: "Intelligent-Tiering comes before Glacier",
			change: func(p *v1alpha1.DataLakeParameters) { p.IntelligentTieringAfterDays, p.GlacierAfterDays = 60, 60 },
			want:   `spec.parameters.intelligentTieringAfterDays: Invalid value: 60: must be less than glacierAfterDays (60):`,
		},
		"NoncurrentZero": {
			reason: "old versions expire after at least a day",
			change: func(p *v1alpha1.DataLakeParameters) { p.NoncurrentVersionExpirationDays = 0 },
			want:   `spec.parameters.noncurrentVersionExpirationDays: Invalid value: 0: must be at least 1`,
		},
		"BadEncryption": {
			reason: "AES256 or aws:kms only",
			change: func(p *v1alpha1.DataLakeParameters) { p.Encryption = "aws:kms:dsse" },
			want:   `spec.parameters.encryption: Unsupported value: "aws:kms:dsse": supported values: "AES256", "aws:kms"`,
		},
		"LogRetentionNotAccepted": {
			reason: "CloudWatch Logs accepts only fixed retention values",
			change: func(p *v1alpha1.DataLakeParameters) { p.LogRetentionDays = 10 },
			want:   `spec.parameters.logRetentionDays: Invalid value: 10: not a retention CloudWatch Logs accepts (1, 3, 5, 7, 14,`,
		},
		"ImagesZero": {
			reason: "keep at least one image",
			change: func(p *v1alpha1.DataLakeParameters) { p.ImageRetentionCount = 0 },
			want:   `spec.parameters.imageRetentionCount: Invalid value: 0: outside 1-1000`,
		},
		"BudgetZero": {
			reason: "a budget needs a limit",
			change: func(p *v1alpha1.DataLakeParameters) { p.Budget.MonthlyLimitUSD = 0 },
			want:   `spec.parameters.budget.monthlyLimitUsd: Invalid value: 0: must be between 1 and 1000000`,
		},
		"BudgetEmailDisplayName": {
			reason: "a display name or a comma is not a plain address",
			change: func(p *v1alpha1.DataLakeParameters) { p.Budget.AlertEmail = "Team <team@example.com>" },
			want:   `spec.parameters.budget.alertEmail: Invalid value: "Team <team@example.com>": not a plain e-mail address a`,
		},
		"BudgetEmailDoubleDot": {
			reason: "dots only between characters",
			change: func(p *v1alpha1.DataLakeParameters) { p.Budget.AlertEmail = "team..ops@example.com" },
			want:   `spec.parameters.budget.alertEmail: Invalid value: "team..ops@example.com": not a plain e-mail address a mail`,
		},
		"BudgetEmailNumericTLD": {
			reason: "a top-level domain is letters",
			change: func(p *v1alpha1.DataLakeParameters) { p.Budget.AlertEmail = "team@example.123" },
			want:   `spec.parameters.budget.alertEmail: Invalid value: "team@example.123": not a plain e-mail address a mail`,
		},
		"BudgetTooLarge": {
			reason: "integers are bounded",
			change: func(p *v1alpha1.DataLakeParameters) { p.Budget.MonthlyLimitUSD = 2147483648 },
			want:   `spec.parameters.budget.monthlyLimitUsd: Invalid value: 2147483648: must be between 1 and 1000000`,
		},
		"BudgetEmail": {
			reason: "alerts go to an email address",
			change: func(p *v1alpha1.DataLakeParameters) { p.Budget.AlertEmail = "platform-team" },
			want:   `spec.parameters.budget.alertEmail: Invalid value: "platform-team": not a plain e-mail address a mail system`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := ok
			tc.change(&p)
			_, _, err := run(t, p, nil)
			if tc.want == "" {
				if err != nil {
					t.Errorf("%s: want no error, got %v", tc.reason, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: want error containing %q, got %v", tc.reason, tc.want, err)
			}
		})
	}
}

// TestKeepBucketNames proves a new bucket suffix cannot rename existing
// buckets.
func TestKeepBucketNames(t *testing.T) {
	b := composed.New()
	b.SetAPIVersion("s3.aws.upbound.io/v1beta1")
	b.SetKind("Bucket")
	b.SetAnnotations(map[string]string{meta.AnnotationKeyExternalName: "gokinjo-raw-prod-old"})
	observed := map[resource.Name]resource.ObservedComposed{"bucket-raw": {Resource: b}}

	p := preset.ResolveDataLake(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{DataLake: &v1alpha1.DataLakeOverrides{BucketSuffix: "new"}})
	_, _, err := run(t, p, observed)
	want := `spec.parameters.bucketSuffix: bucket gokinjo-raw-prod-old already exists and S3 cannot rename it to gokinjo-raw-prod-new: restore the bucketSuffix that named it ("old")`
	if err == nil || err.Error() != want {
		t.Errorf("want %q, got %v", want, err)
	}
	p.BucketSuffix = "old"
	if _, _, err := run(t, p, observed); err != nil {
		t.Errorf("the same suffix: want no error, got %v", err)
	}
}

func TestTLSOnlyPolicy(t *testing.T) {
	var p struct {
		Statement []struct {
			Effect    string
			Resource  []string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(TLSOnlyPolicy("b")), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Statement) != 1 || p.Statement[0].Effect != "Deny" || p.Statement[0].Condition["Bool"]["aws:SecureTransport"] != "false" ||
		!cmp.Equal(p.Statement[0].Resource, []string{"arn:aws:s3:::b", "arn:aws:s3:::b/*"}) {
		t.Errorf("TLSOnlyPolicy: %+v", p)
	}
}

// TestSuffixFixesATakenName: a bucket whose name another account owns
// (the provider's first look is refused, before any create) never existed, so a bucketSuffix added to fix the
// clash renames it: the new name is composed and reported, where an
// existing bucket's change is refused (TestKeepBucketNames).
func TestSuffixFixesATakenName(t *testing.T) {
	b := composed.New()
	b.SetAPIVersion("s3.aws.upbound.io/v1beta1")
	b.SetKind("Bucket")
	b.SetAnnotations(map[string]string{meta.AnnotationKeyExternalName: "gokinjo-raw-prod-abcdef"})
	b.SetConditions(xpv2.Condition{Type: xpv2.TypeSynced, Status: corev1.ConditionFalse, Reason: "ReconcileError",
		// What the provider reports for a name another account owns: S3
		// answers its first look (HeadBucket) with 403, before any create.
		Message: "observe failed: cannot run refresh: refresh failed: reading Amazon S3 (Simple Storage) Bucket (gokinjo-raw-prod-abcdef): operation error S3: HeadBucket, https response error StatusCode: 403, api error Forbidden: Forbidden"})
	observed := map[resource.Name]resource.ObservedComposed{"bucket-raw": {Resource: b}}

	p := preset.ResolveDataLake(composetest.Owner(v1alpha1.EnvProd), preset.Presets[v1alpha1.EnvProd], v1alpha1.EnvironmentParameters{DataLake: &v1alpha1.DataLakeOverrides{BucketSuffix: "acme"}})
	s, dxr, err := run(t, p, observed)
	if err != nil {
		t.Fatalf("a suffix for a bucket that was never created: %v", err)
	}
	want := BucketName(p, "raw")
	if got := s.Desired()["bucket-raw"].Resource.GetAnnotations()[meta.AnnotationKeyExternalName]; got != want {
		t.Errorf("bucket-raw is composed as %q, want the suffixed %q", got, want)
	}
	var st v1alpha1.DataLakeStatus
	_ = dxr.GetValueInto("status", &st)
	if len(st.Buckets) == 0 || st.Buckets[0].Name != want {
		t.Errorf("status.buckets = %+v, want raw as %s", st.Buckets, want)
	}
}
