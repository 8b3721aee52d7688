package datalake

import (
	s3 "github.com/upbound/provider-aws/apis/s3/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
)

// AbortIncompleteMultipartDays cleans up uploads that never completed.
const AbortIncompleteMultipartDays = 7

// lifecycle composes the bucket's lifecycle rules for every object: to
// INTELLIGENT_TIERING (where the preset asks), then to GLACIER; old versions
// expire; incomplete multipart uploads are aborted. A second rule removes
// the delete markers no version is left behind once old versions expire
// (S3 keeps them, and they slow listings down); S3 refuses
// ExpiredObjectDeleteMarker in a rule that sets expiration days, so it has
// a rule of its own.
func (d *datalake) lifecycle(comp string) error {
	var transitions []s3.RuleTransitionParameters
	if d.p.IntelligentTieringAfterDays > 0 {
		transitions = append(transitions, s3.RuleTransitionParameters{
			Days: mr.Float(float64(d.p.IntelligentTieringAfterDays)), StorageClass: mr.Str("INTELLIGENT_TIERING"),
		})
	}
	transitions = append(transitions, s3.RuleTransitionParameters{
		Days: mr.Float(float64(d.p.GlacierAfterDays)), StorageClass: mr.Str("GLACIER"),
	})
	lc := &s3.BucketLifecycleConfiguration{Spec: s3.BucketLifecycleConfigurationSpec{
		ResourceSpec: d.retainSpec(),
		ForProvider: s3.BucketLifecycleConfigurationParameters{
			Region:         mr.Str(d.p.Region),
			BucketSelector: mr.Local(comp),
			Rule: []s3.BucketLifecycleConfigurationRuleParameters{{
				ID:         mr.Str("archive-and-clean-up"),
				Status:     mr.Str("Enabled"),
				Filter:     []s3.RuleFilterParameters{{Prefix: mr.Str("")}},
				Transition: transitions,
				NoncurrentVersionExpiration: []s3.RuleNoncurrentVersionExpirationParameters{{
					NoncurrentDays: mr.Float(float64(d.p.NoncurrentVersionExpirationDays)),
				}},
				AbortIncompleteMultipartUpload: []s3.AbortIncompleteMultipartUploadParameters{{
					DaysAfterInitiation: mr.Float(AbortIncompleteMultipartDays),
				}},
			}, {
				ID:         mr.Str("expired-delete-markers"),
				Status:     mr.Str("Enabled"),
				Filter:     []s3.RuleFilterParameters{{Prefix: mr.Str("")}},
				Expiration: []s3.RuleExpirationParameters{{ExpiredObjectDeleteMarker: mr.Bool(true)}},
			}},
		},
	}}
	return d.s.Add(comp+"-lifecycle", lc, d.labels(comp+"-lifecycle"))
}
