package datalake

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Limits of the data-lake parameters (docs/database-layer.md explains them).
const (
	// MinGlacierAfterDays: Glacier bills at least 90 days of storage, so
	// moving objects younger than 30 days is a mistake this platform refuses.
	MinGlacierAfterDays = 30
	// MaxBucketNameLength is S3's limit.
	MaxBucketNameLength = 63
	// longestTier is the longest bucket name prefix, gokinjo-processed-.
	longestTier = "processed"
	// MaxMonthlyLimitUSD bounds the budget (the XRD's maximum).
	MaxMonthlyLimitUSD = 1000000
	// MaxLifecycleDays bounds the lifecycle day counts (S3 takes 32-bit
	// days; a hundred years is the platform's bound).
	MaxLifecycleDays = 36500
)

// LogRetentionValues are the retention periods CloudWatch Logs accepts.
var LogRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

var (
	suffixPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	// emailPattern is a plain address (RFC 5321 dot-atom local part, a
	// host name with a letters-only top-level domain), the same rule as the
	// XRD's: what mail systems accept without quoting.
	emailPattern = regexp.MustCompile("^[A-Za-z0-9!#$%&*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$")
	// reservedSuffixes are endings S3 reserves for access points and
	// directory buckets.
	reservedSuffixes = []string{"-s3alias", "--ol-s3", "--x-s3", "--table-s3"}
)

// Validate checks resolved data-lake parameters, the budget included; path
// is where they sit in the object the user wrote (spec.parameters of an
// XDataLake, spec.parameters.dataLake of an Environment).
func Validate(p v1alpha1.DataLakeParameters, path *field.Path) field.ErrorList {
	return append(validateLake(p, path), validateBudget(p.Budget, path.Child("budget"))...)
}

// validateLake checks the data-lake parameters but the budget.
func validateLake(p v1alpha1.DataLakeParameters, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if p.BucketSuffix != "" {
		suffix := path.Child("bucketSuffix")
		if !suffixPattern.MatchString(p.BucketSuffix) {
			errs = append(errs, field.Invalid(suffix, p.BucketSuffix, "must be lowercase letters, digits and hyphens, starting and ending with a letter or digit"))
		}
		for _, r := range reservedSuffixes {
			if strings.HasSuffix(p.BucketSuffix, r) {
				errs = append(errs, field.Invalid(suffix, p.BucketSuffix, fmt.Sprintf("ends with %s, which S3 reserves", r)))
			}
		}
		if n := BucketName(p, longestTier); len(n) > MaxBucketNameLength {
			errs = append(errs, field.Invalid(suffix, p.BucketSuffix, fmt.Sprintf("bucket name %s is %d characters, more than the %d S3 allows: shorten the suffix", n, len(n), MaxBucketNameLength)))
		}
	}
	if p.Encryption != v1alpha1.EncryptionAES256 && p.Encryption != v1alpha1.EncryptionKMS {
		errs = append(errs, field.NotSupported(path.Child("encryption"), p.Encryption, []string{v1alpha1.EncryptionAES256, v1alpha1.EncryptionKMS}))
	}
	if p.GlacierAfterDays < MinGlacierAfterDays {
		errs = append(errs, field.Invalid(path.Child("glacierAfterDays"), p.GlacierAfterDays, fmt.Sprintf("below the minimum of %d days", MinGlacierAfterDays)))
	}
	tiering := path.Child("intelligentTieringAfterDays")
	if p.IntelligentTieringAfterDays < 0 {
		errs = append(errs, field.Invalid(tiering, p.IntelligentTieringAfterDays, "negative: use 0 for no Intelligent-Tiering"))
	}
	if p.IntelligentTieringAfterDays > 0 && p.IntelligentTieringAfterDays >= p.GlacierAfterDays {
		errs = append(errs, field.Invalid(tiering, p.IntelligentTieringAfterDays, fmt.Sprintf("must be less than glacierAfterDays (%d): objects move to Intelligent-Tiering before Glacier", p.GlacierAfterDays)))
	}
	if p.NoncurrentVersionExpirationDays < 1 {
		errs = append(errs, field.Invalid(path.Child("noncurrentVersionExpirationDays"), p.NoncurrentVersionExpirationDays, "must be at least 1"))
	}
	for _, f := range []struct {
		name string
		days int
	}{{"intelligentTieringAfterDays", p.IntelligentTieringAfterDays}, {"glacierAfterDays", p.GlacierAfterDays}, {"noncurrentVersionExpirationDays", p.NoncurrentVersionExpirationDays}} {
		if f.days > MaxLifecycleDays {
			errs = append(errs, field.Invalid(path.Child(f.name), f.days, fmt.Sprintf("more than %d days (100 years)", MaxLifecycleDays)))
		}
	}
	if p.ImageRetentionCount < 1 || p.ImageRetentionCount > 1000 {
		errs = append(errs, field.Invalid(path.Child("imageRetentionCount"), p.ImageRetentionCount, "outside 1-1000"))
	}
	if !slices.Contains(LogRetentionValues, p.LogRetentionDays) {
		errs = append(errs, field.Invalid(path.Child("logRetentionDays"), p.LogRetentionDays, "not a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)"))
	}
	return errs
}

// validateBudget checks the budget parameters.
func validateBudget(b v1alpha1.BudgetParameters, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if b.MonthlyLimitUSD < 1 || b.MonthlyLimitUSD > MaxMonthlyLimitUSD {
		errs = append(errs, field.Invalid(path.Child("monthlyLimitUsd"), b.MonthlyLimitUSD, fmt.Sprintf("must be between 1 and %d", MaxMonthlyLimitUSD)))
	}
	if local, _, _ := strings.Cut(b.AlertEmail, "@"); !emailPattern.MatchString(b.AlertEmail) || len(b.AlertEmail) > 254 || len(local) > 64 {
		errs = append(errs, field.Invalid(path.Child("alertEmail"), b.AlertEmail, "not a plain e-mail address a mail system accepts: write it as team@example.com (no display name, spaces, quotes or commas; dots only between characters; at most 64 characters before @ and 254 in all)"))
	}
	return errs
}
