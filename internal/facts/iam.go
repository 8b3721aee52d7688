package facts

import (
	"sort"
	"strings"
)

// IAMFacts: the IAM actions each in-cluster controller calls, as its own
// upstream policy file grants them at the pinned version. Owner: cluster
// (IRSA) and workloads layers; the simulator checks IRSA roles against them.
type IAMFacts struct {
	Controllers map[string]ControllerPolicy `json:"controllers"`
	S3SSEKMS    S3SSEKMS                    `json:"s3SseKms"`
	// S3OwnAccount is the condition key that limits S3 grants to buckets
	// of one account (bucket names are global).
	S3OwnAccount ConditionKey `json:"s3OwnAccount"`
}

// ConditionKey is an IAM policy condition key and where it is documented.
type ConditionKey struct {
	Key    string `json:"key"`
	Source Source `json:"source"`
}

// S3SSEKMS is what S3 asks of KMS, with the requester's credentials, for an
// object in a bucket encrypted with SSE-KMS. Owner: cluster layer (the app
// roles' KMS grants); the simulator's S3 data plane enforces it.
type S3SSEKMS struct {
	// ObjectActions maps an S3 operation to the IAM action S3 authorizes it
	// as (a multipart upload is s3:PutObject throughout).
	ObjectActions map[string]string `json:"objectActions"`
	// Actions maps an S3 operation (GetObject, PutObject,
	// CreateMultipartUpload, UploadPart) to the KMS actions it needs.
	Actions map[string][]string `json:"actions"`
	// ViaService is the kms:ViaService value of those calls, with <region>
	// standing for the bucket's region.
	ViaService string `json:"viaService"`
	// EncryptionContextKey is the encryption context key S3 sets: its value
	// is the bucket ARN with an S3 Bucket Key, the object ARN without.
	EncryptionContextKey string   `json:"encryptionContextKey"`
	Sources              []Source `json:"sources"`
}

// ViaServiceIn is the kms:ViaService value of S3's calls in a region.
func (s S3SSEKMS) ViaServiceIn(region string) string {
	return strings.ReplaceAll(s.ViaService, "<region>", region)
}

// ActionsFor are the KMS actions of the S3 operations, each once, sorted.
func (s S3SSEKMS) ActionsFor(ops ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, op := range ops {
		for _, a := range s.Actions[op] {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	sort.Strings(out)
	return out
}

// ControllerPolicy is the upstream IAM policy of one controller version.
type ControllerPolicy struct {
	Version string   `json:"version"`
	Actions []string `json:"actions"`
	Source  Source   `json:"source"`
}

// IAM is loaded from data/iam.yaml.
var IAM = mustLoad[IAMFacts]("iam.yaml")
