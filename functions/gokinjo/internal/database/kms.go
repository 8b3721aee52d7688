package database

import (
	xpv1 "github.com/crossplane/crossplane-runtime/apis/common/v1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

const compKMSKey = "kms-key"

// kmsKey composes the customer managed key that encrypts the instance's
// storage, snapshots and replica. Rotation is on; deletion waits 30 days.
func (d *database) kmsKey() error {
	o := d.p.Owner
	k := mr.KMSKey(d.keySpec(), o.Region, "gokinjo "+o.Environment+" RDS PostgreSQL storage encryption", d.tags(naming.AWSName(o, "db-key")))
	return d.s.Add(compKMSKey, k, d.labels(compKMSKey))
}

// keySpec keeps the key (Orphan) wherever the instance leaves data behind:
// with everything orphaned, and with a final snapshot, which, like the
// automated backups kept with it, is encrypted with this key and unreadable
// once the key is deleted.
func (d *database) keySpec() xpv1.ResourceSpec {
	if d.p.TakesFinalSnapshot() {
		return mr.OrphanSpec(d.p.Owner)
	}
	return d.spec()
}
