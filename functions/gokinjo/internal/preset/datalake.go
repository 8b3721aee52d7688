package preset

import "github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"

// DefaultAlertEmail receives the budget alerts unless the claim names
// another address.
const DefaultAlertEmail = "platform-team@gokinjo.example"

// DataLake is the data-lake layer's part of a preset.
type DataLake struct {
	IntelligentTieringAfterDays int
	RetainOnDelete              bool
	LogRetentionDays            int
	MonthlyBudgetUSD            int
}

// dataLakePresets follow the strategy: dev Standard then Glacier, staging
// adds Intelligent-Tiering, prod adds Intelligent-Tiering and keeps its
// buckets when the claim is deleted. Budgets are the strategy's monthly
// cost targets (upper end).
var dataLakePresets = map[string]DataLake{
	v1alpha1.EnvDev:     {LogRetentionDays: 7, MonthlyBudgetUSD: 500},
	v1alpha1.EnvStaging: {IntelligentTieringAfterDays: 30, LogRetentionDays: 30, MonthlyBudgetUSD: 800},
	v1alpha1.EnvProd:    {IntelligentTieringAfterDays: 30, RetainOnDelete: true, LogRetentionDays: 90, MonthlyBudgetUSD: 2000},
}

// Data-lake defaults that do not depend on the environment.
const (
	DefaultGlacierAfterDays                = 90
	DefaultNoncurrentVersionExpirationDays = 90
	DefaultImageRetentionCount             = 30
)

// ResolveDataLake resolves the data-lake layer's parameters: claim
// override, else preset, else package default.
func ResolveDataLake(owner v1alpha1.Owner, o *v1alpha1.DataLakeOverrides, b *v1alpha1.BudgetOverrides) v1alpha1.DataLakeParameters {
	pre := dataLakePresets[owner.Environment]
	if o == nil {
		o = &v1alpha1.DataLakeOverrides{}
	}
	if b == nil {
		b = &v1alpha1.BudgetOverrides{}
	}
	return v1alpha1.DataLakeParameters{
		Owner:                           owner,
		BucketSuffix:                    o.BucketSuffix,
		Encryption:                      or(o.Encryption, v1alpha1.EncryptionAES256),
		IntelligentTieringAfterDays:     orInt(o.IntelligentTieringAfterDays, pre.IntelligentTieringAfterDays),
		GlacierAfterDays:                orInt(o.GlacierAfterDays, DefaultGlacierAfterDays),
		NoncurrentVersionExpirationDays: orInt(o.NoncurrentVersionExpirationDays, DefaultNoncurrentVersionExpirationDays),
		RetainOnDelete:                  orBool(o.RetainOnDelete, pre.RetainOnDelete),
		ImageRetentionCount:             orInt(o.ImageRetentionCount, DefaultImageRetentionCount),
		LogRetentionDays:                orInt(o.LogRetentionDays, pre.LogRetentionDays),
		Budget: v1alpha1.BudgetParameters{
			MonthlyLimitUSD: orInt(b.MonthlyLimitUSD, pre.MonthlyBudgetUSD),
			AlertEmail:      or(b.AlertEmail, DefaultAlertEmail),
		},
	}
}
