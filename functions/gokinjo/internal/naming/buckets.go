package naming

import "github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"

// Data-lake bucket tiers.
const (
	BucketRaw       = "raw"
	BucketProcessed = "processed"
	BucketCurated   = "curated"
)

// BucketName is the S3 bucket of a data-lake tier, as the strategy names it,
// gokinjo-<tier>-<env>, then -<hash> for a new environment (docs/naming.md),
// then -<suffix> when the data-lake layer is given one (bucket names are
// global across AWS accounts: the suffix keeps them apart from another
// account's same claim). Every layer that needs a bucket name (IRSA
// policies, the data lake itself) must call this one function so that the
// names can never drift apart.
func BucketName(o v1alpha1.Owner, tier, suffix string) string {
	n := project + "-" + tier + "-" + o.Environment + hashPart(o)
	if suffix != "" {
		n += "-" + suffix
	}
	return n
}
