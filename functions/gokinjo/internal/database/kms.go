package database

import (
	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

const compKMSKey = "kms-key"

// kmsKey composes the customer managed key that encrypts the instance's
// storage, snapshots and replica. Rotation is on; deletion waits 30 days.
func (d *database) kmsKey() error {
	o := d.p.Owner
	k := mr.KMSKey(d.spec(), o.Region, "gokinjo "+o.Environment+" RDS PostgreSQL storage encryption", d.tags(naming.AWSName(o, "db-key")))
	return d.s.Add(compKMSKey, k, d.labels(compKMSKey))
}
