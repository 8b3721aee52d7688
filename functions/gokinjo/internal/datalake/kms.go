package datalake

import (
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
	k := mr.KMSKey(d.retainSpec(), o.Region, "gokinjo "+o.Environment+" data lake encryption", d.tags(naming.AWSName(o, "datalake-key")))
	return d.s.Add(compKMSKey, k, d.labels(compKMSKey))
}
