package datalake

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

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

// Validate checks resolved data-lake parameters, the budget included; prefix
// is the path of the parameters in the object the user wrote.
func Validate(p v1alpha1.DataLakeParameters, prefix string) error {
	if err := ValidateLake(p, prefix); err != nil {
		return err
	}
	return ValidateBudget(p.Budget, prefix+"budget.")
}

// ValidateLake checks the data-lake parameters but the budget.
func ValidateLake(p v1alpha1.DataLakeParameters, prefix string) error {
	if p.BucketSuffix != "" {
		if !suffixPattern.MatchString(p.BucketSuffix) {
			return fmt.Errorf("%sbucketSuffix: %q must be lowercase letters, digits and hyphens, starting and ending with a letter or digit", prefix, p.BucketSuffix)
		}
		for _, r := range reservedSuffixes {
			if strings.HasSuffix(p.BucketSuffix, r) {
				return fmt.Errorf("%sbucketSuffix: %q ends with %s, which S3 reserves", prefix, p.BucketSuffix, r)
			}
		}
		if n := BucketName(p, longestTier); len(n) > MaxBucketNameLength {
			return fmt.Errorf("%sbucketSuffix: bucket name %s is %d characters, more than the %d S3 allows: shorten the suffix", prefix, n, len(n), MaxBucketNameLength)
		}
	}
	if p.Encryption != v1alpha1.EncryptionAES256 && p.Encryption != v1alpha1.EncryptionKMS {
		return fmt.Errorf("%sencryption: %q is not AES256 or aws:kms", prefix, p.Encryption)
	}
	if p.GlacierAfterDays < MinGlacierAfterDays {
		return fmt.Errorf("%sglacierAfterDays: %d is below the minimum of %d days", prefix, p.GlacierAfterDays, MinGlacierAfterDays)
	}
	if p.IntelligentTieringAfterDays < 0 {
		return fmt.Errorf("%sintelligentTieringAfterDays: %d is negative: use 0 for no Intelligent-Tiering", prefix, p.IntelligentTieringAfterDays)
	}
	if p.IntelligentTieringAfterDays > 0 && p.IntelligentTieringAfterDays >= p.GlacierAfterDays {
		return fmt.Errorf("%sintelligentTieringAfterDays: %d must be less than glacierAfterDays (%d): objects move to Intelligent-Tiering before Glacier", prefix, p.IntelligentTieringAfterDays, p.GlacierAfterDays)
	}
	if p.NoncurrentVersionExpirationDays < 1 {
		return fmt.Errorf("%snoncurrentVersionExpirationDays: %d must be at least 1", prefix, p.NoncurrentVersionExpirationDays)
	}
	for _, f := range []struct {
		name string
		days int
	}{{"intelligentTieringAfterDays", p.IntelligentTieringAfterDays}, {"glacierAfterDays", p.GlacierAfterDays}, {"noncurrentVersionExpirationDays", p.NoncurrentVersionExpirationDays}} {
		if f.days > MaxLifecycleDays {
			return fmt.Errorf("%s%s: %d is more than %d days (100 years)", prefix, f.name, f.days, MaxLifecycleDays)
		}
	}
	if p.ImageRetentionCount < 1 || p.ImageRetentionCount > 1000 {
		return fmt.Errorf("%simageRetentionCount: %d is outside 1-1000", prefix, p.ImageRetentionCount)
	}
	if !slices.Contains(LogRetentionValues, p.LogRetentionDays) {
		return fmt.Errorf("%slogRetentionDays: %d is not a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)", prefix, p.LogRetentionDays)
	}
	return nil
}

// ValidateBudget checks the budget parameters.
func ValidateBudget(b v1alpha1.BudgetParameters, prefix string) error {
	if b.MonthlyLimitUSD < 1 || b.MonthlyLimitUSD > MaxMonthlyLimitUSD {
		return fmt.Errorf("%smonthlyLimitUsd: %d must be between 1 and %d", prefix, b.MonthlyLimitUSD, MaxMonthlyLimitUSD)
	}
	if local, _, _ := strings.Cut(b.AlertEmail, "@"); !emailPattern.MatchString(b.AlertEmail) || len(b.AlertEmail) > 254 || len(local) > 64 {
		return fmt.Errorf("%salertEmail: %q is not a plain e-mail address a mail system accepts: write it as team@example.com (no display name, spaces, quotes or commas; dots only between characters; at most 64 characters before @ and 254 in all)", prefix, b.AlertEmail)
	}
	return nil
}
