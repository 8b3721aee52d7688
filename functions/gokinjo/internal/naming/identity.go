package naming

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// The labels Crossplane puts on the XR of a claim. Together they identify
// the claim in the management cluster.
const (
	LabelClaimName      = "crossplane.io/claim-name"
	LabelClaimNamespace = "crossplane.io/claim-namespace"
)

// project starts every name.
const project = "gokinjo"

// HashLength is the number of characters of the claim hash in names: 30
// bits, so two claims share a hash with odds of about 1 in 10^9 (1 in 2,000
// among 1,000 claims of one account and region).
const HashLength = 6

// hashEncoding is lower-case base32 without padding: letters and 2-7 only,
// valid in every AWS name (S3 and RDS refuse upper case).
var hashEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Identity is what makes an environment's names its own: the claim it comes
// from (or, for an XEnvironment created without a claim, the XR's own name)
// and its region. The region is part of it because IAM role and policy
// names and budget names are account-wide and S3 bucket names global, so
// the same claim in two management clusters must not share them either.
type Identity struct {
	ClaimNamespace, ClaimName string
	// XRName is used only when the XR has no claim.
	XRName string
	Region string
}

// IdentityOf reads the identity of an XR from its labels and name.
func IdentityOf(xrName string, labels map[string]string, region string) Identity {
	return Identity{ClaimNamespace: labels[LabelClaimNamespace], ClaimName: labels[LabelClaimName], XRName: xrName, Region: region}
}

// key is the hashed form: "claim:<namespace>/<name>" for a claim, else
// "xr:<name>", then a newline and the region.
func (id Identity) key() string {
	who := "xr:" + id.XRName
	if id.ClaimName != "" && id.ClaimNamespace != "" {
		who = "claim:" + id.ClaimNamespace + "/" + id.ClaimName
	}
	return who + "\n" + id.Region
}

// Hash is the claim hash of names: the first HashLength characters of the
// base32 SHA-256 of the identity.
func (id Identity) Hash() string { return shortHash(id.key()) }

// shortHash is HashLength characters of the base32 SHA-256 of s.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hashEncoding.EncodeToString(sum[:])[:HashLength]
}

// NewPrefix is the name prefix of a new environment: gokinjo-<env>-<hash>.
func NewPrefix(env string, id Identity) string { return LegacyPrefix(env) + "-" + id.Hash() }

// LegacyPrefix is the prefix of an environment created before names were
// unique per claim: gokinjo-<env>. Such environments keep it, so the
// upgrade renames and replaces nothing.
func LegacyPrefix(env string) string { return project + "-" + env }

// Prefix is the name prefix of the owner's environment.
func Prefix(o v1alpha1.Owner) string {
	if o.NamePrefix != "" {
		return o.NamePrefix
	}
	return LegacyPrefix(o.Environment)
}

// hashPart is "-<hash>" for a new environment, "" for a legacy one.
func hashPart(o v1alpha1.Owner) string {
	return strings.TrimPrefix(Prefix(o), LegacyPrefix(o.Environment))
}
