package datalake

import (
	"fmt"
	"strings"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	s3 "github.com/upbound/provider-aws/apis/s3/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Tiers of the data lake, in pipeline order: what Airflow lands, what it
// transforms, what the API serves from.
var Tiers = []string{"raw", "processed", "curated"}

// BucketName is the S3 name of a tier's bucket (naming.BucketName).
func BucketName(p v1alpha1.DataLakeParameters, tier string) string {
	return naming.BucketName(p.Owner, tier, p.BucketSuffix)
}

// BucketNames maps every tier to its bucket name: what the cluster layer's
// IRSA policies grant access to.
func BucketNames(p v1alpha1.DataLakeParameters) map[string]string {
	out := make(map[string]string, len(Tiers))
	for _, t := range Tiers {
		out[t] = BucketName(p, t)
	}
	return out
}

// BucketARN is the ARN of a bucket; S3 bucket ARNs carry no region or account.
func BucketARN(name string) string { return "arn:aws:s3:::" + name }

func bucketComponent(tier string) string { return "bucket-" + tier }

// keepBucketNames refuses a change that would rename an existing bucket (a
// new bucketSuffix): S3 cannot rename, so the provider would create a new
// empty bucket and leave the data behind.
func (d *datalake) keepBucketNames() error {
	for _, t := range Tiers {
		o, ok := d.s.Observed[resourceName(bucketComponent(t))]
		if !ok || compose.NeverCreated(o.Resource) {
			continue // Nothing in S3 carries the old name.
		}
		observed := o.Resource.GetAnnotations()[meta.AnnotationKeyExternalName]
		if want := BucketName(d.p, t); observed != "" && observed != want {
			return fmt.Errorf("spec.parameters.bucketSuffix: bucket %s already exists and S3 cannot rename it to %s: "+
				"restore the bucketSuffix that named it (%q)", observed, want, strings.TrimPrefix(observed, BucketName(v1alpha1.DataLakeParameters{Owner: d.p.Owner}, t)+"-"))
		}
	}
	return nil
}

// buckets composes each tier's bucket and its settings.
func (d *datalake) buckets() error {
	for _, t := range Tiers {
		if err := d.bucket(t); err != nil {
			return err
		}
	}
	return nil
}

// bucket composes one bucket with versioning, default encryption, a full
// public access block, BucketOwnerEnforced ownership (no ACLs), a TLS-only
// policy and its lifecycle rules. forceDestroy follows retention (see
// forceEmpty): a bucket that is not retained is emptied when the claim is
// deleted, a retained one never.
func (d *datalake) bucket(tier string) error {
	o := d.p.Owner
	name := BucketName(d.p, tier)
	comp := bucketComponent(tier)
	b := &s3.Bucket{Spec: s3.BucketSpec{
		ResourceSpec: d.retainSpec(),
		ForProvider: s3.BucketParameters{
			Region:       mr.Str(o.Region),
			ForceDestroy: mr.Bool(d.forceEmpty()),
			Tags:         d.tags(name),
		},
	}}
	b.SetAnnotations(externalName(name))
	if err := d.s.Add(comp, b, d.labels(comp)); err != nil {
		return err
	}
	sel := mr.Local(comp)

	v := &s3.BucketVersioning{Spec: s3.BucketVersioningSpec{
		ResourceSpec: d.retainSpec(),
		ForProvider: s3.BucketVersioningParameters{
			Region:                  mr.Str(o.Region),
			BucketSelector:          sel,
			VersioningConfiguration: []s3.VersioningConfigurationParameters{{Status: mr.Str("Enabled")}},
		},
	}}
	if err := d.s.Add(comp+"-versioning", v, d.labels(comp+"-versioning")); err != nil {
		return err
	}

	enc := s3.RuleApplyServerSideEncryptionByDefaultParameters{SseAlgorithm: mr.Str(d.p.Encryption)}
	if d.p.Encryption == v1alpha1.EncryptionKMS {
		enc.KMSMasterKeyIDSelector = mr.Local(compKMSKey)
	}
	e := &s3.BucketServerSideEncryptionConfiguration{Spec: s3.BucketServerSideEncryptionConfigurationSpec{
		ResourceSpec: d.retainSpec(),
		ForProvider: s3.BucketServerSideEncryptionConfigurationParameters{
			Region:         mr.Str(o.Region),
			BucketSelector: sel,
			Rule: []s3.BucketServerSideEncryptionConfigurationRuleParameters{{
				ApplyServerSideEncryptionByDefault: []s3.RuleApplyServerSideEncryptionByDefaultParameters{enc},
				BucketKeyEnabled:                   mr.Bool(d.p.Encryption == v1alpha1.EncryptionKMS),
			}},
		},
	}}
	if err := d.s.Add(comp+"-encryption", e, d.labels(comp+"-encryption")); err != nil {
		return err
	}

	pab := &s3.BucketPublicAccessBlock{Spec: s3.BucketPublicAccessBlockSpec{
		ResourceSpec: d.retainSpec(),
		ForProvider: s3.BucketPublicAccessBlockParameters{
			Region:                mr.Str(o.Region),
			BucketSelector:        sel,
			BlockPublicAcls:       mr.Bool(true),
			BlockPublicPolicy:     mr.Bool(true),
			IgnorePublicAcls:      mr.Bool(true),
			RestrictPublicBuckets: mr.Bool(true),
		},
	}}
	if err := d.s.Add(comp+"-public-access-block", pab, d.labels(comp+"-public-access-block")); err != nil {
		return err
	}

	own := &s3.BucketOwnershipControls{Spec: s3.BucketOwnershipControlsSpec{
		ResourceSpec: d.retainSpec(),
		ForProvider: s3.BucketOwnershipControlsParameters{
			Region:         mr.Str(o.Region),
			BucketSelector: sel,
			Rule:           []s3.BucketOwnershipControlsRuleParameters{{ObjectOwnership: mr.Str("BucketOwnerEnforced")}},
		},
	}}
	if err := d.s.Add(comp+"-ownership", own, d.labels(comp+"-ownership")); err != nil {
		return err
	}

	pol := &s3.BucketPolicy{Spec: s3.BucketPolicySpec{
		ResourceSpec: d.retainSpec(),
		ForProvider: s3.BucketPolicyParameters{
			Region:         mr.Str(o.Region),
			BucketSelector: sel,
			Policy:         mr.Str(TLSOnlyPolicy(name)),
		},
	}}
	if err := d.s.Add(comp+"-policy", pol, d.labels(comp+"-policy")); err != nil {
		return err
	}
	return d.lifecycle(comp)
}
