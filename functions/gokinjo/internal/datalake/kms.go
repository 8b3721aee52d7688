package datalake

import (
	kms "github.com/upbound/provider-aws/apis/kms/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

const compKMSKey = "kms-key"

// kmsKey composes the buckets' key when encryption is aws:kms.
func (d *datalake) kmsKey() error {
	if d.p.Encryption != v1alpha1.EncryptionKMS {
		return nil
	}
	o := d.p.Owner
	k := &kms.Key{Spec: kms.KeySpec{
		ResourceSpec: d.retainSpec(),
		ForProvider: kms.KeyParameters{
			Region:               mr.Str(o.Region),
			Description:          mr.Str("gokinjo " + o.Environment + " data lake encryption"),
			EnableKeyRotation:    mr.Bool(true),
			DeletionWindowInDays: mr.Float(30),
			Tags:                 d.tags(naming.AWSName(o, "datalake-key")),
		},
	}}
	return d.s.Add(compKMSKey, k, d.labels(compKMSKey))
}
