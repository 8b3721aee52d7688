package database

import (
	kms "github.com/upbound/provider-aws/apis/kms/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

const compKMSKey = "kms-key"

// kmsKey composes the customer managed key that encrypts the instance's
// storage, snapshots and replica. Rotation is on; deletion waits 30 days.
func (d *database) kmsKey() error {
	o := d.p.Owner
	k := &kms.Key{Spec: kms.KeySpec{
		ResourceSpec: d.spec(),
		ForProvider: kms.KeyParameters{
			Region:               mr.Str(o.Region),
			Description:          mr.Str("gokinjo " + o.Environment + " RDS PostgreSQL storage encryption"),
			EnableKeyRotation:    mr.Bool(true),
			DeletionWindowInDays: mr.Float(30),
			Tags:                 d.tags(naming.AWSName(o, "db-key")),
		},
	}}
	return d.s.Add(compKMSKey, k, d.labels(compKMSKey))
}
