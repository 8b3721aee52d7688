package mr

import (
	xpv1 "github.com/crossplane/crossplane-runtime/apis/common/v1"
	kms "github.com/upbound/provider-aws/apis/kms/v1beta1"
)

// KMSKey is a customer managed key with yearly rotation and the longest
// deletion window (30 days), so a key deleted by mistake can be restored
// before the data it protects becomes unreadable. Layers differ only in the
// resource spec (deletion policy), description and tags.
func KMSKey(spec xpv1.ResourceSpec, region, description string, tags map[string]*string) *kms.Key {
	return &kms.Key{Spec: kms.KeySpec{
		ResourceSpec: spec,
		ForProvider: kms.KeyParameters{
			Region:               Str(region),
			Description:          Str(description),
			EnableKeyRotation:    Bool(true),
			DeletionWindowInDays: Float(30),
			Tags:                 tags,
		},
	}}
}
