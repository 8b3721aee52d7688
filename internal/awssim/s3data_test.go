package awssim

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const (
	lakeRole   = "arn:aws:iam::" + AccountID + ":role/gokinjo-dev-app"
	lakeBucket = "gokinjo-raw-dev"
)

// lakeEnv is a bucket with default encryption alg (aws:kms with the
// composed key, bucket keys as given) and a role whose inline policy has
// the S3 object grant plus the extra statements.
func lakeEnv(alg string, bucketKey bool, extra ...string) []*unstructured.Unstructured {
	def := map[string]any{"sseAlgorithm": alg}
	if alg == "aws:kms" {
		def["kmsMasterKeyIdSelector"] = sel("key")
	}
	stmts := append([]string{`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::` + lakeBucket + `/*"]}`}, extra...)
	return []*unstructured.Unstructured{
		mr("kms", "Key", "key", nil),
		mr("s3", "Bucket", "bucket", nil, ext(lakeBucket)),
		mr("s3", "BucketServerSideEncryptionConfiguration", "bucket-encryption", map[string]any{"bucketSelector": sel("bucket"),
			"rule": []any{map[string]any{"applyServerSideEncryptionByDefault": []any{def}, "bucketKeyEnabled": bucketKey}}}),
		mr("iam", "Role", "role", nil, ext("gokinjo-dev-app")),
		mr("iam", "RolePolicy", "role-policy", map[string]any{"roleSelector": sel("role"),
			"policy": `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`}),
	}
}

// kmsGrant is a statement allowing actions on resource under conditions.
func kmsGrant(actions, resource, conditions string) string {
	s := `{"Effect":"Allow","Action":` + actions + `,"Resource":"` + resource + `"`
	if conditions != "" {
		s += `,"Condition":` + conditions
	}
	return s + "}"
}

// TestS3RequestSSEKMS: with SSE-KMS, S3 calls KMS with the caller's
// credentials, so the caller's role must allow kms:Decrypt to read and
// kms:GenerateDataKey (and kms:Decrypt for multipart parts) to write, on
// the key or through conditions matching S3's request context; SSE-S3
// needs only the S3 grant.
func TestS3RequestSSEKMS(t *testing.T) {
	const rw = `["kms:Decrypt","kms:GenerateDataKey"]`
	via := `"StringEquals":{"kms:ViaService":"s3.ap-northeast-1.amazonaws.com"}`
	ctxLike := func(arns ...string) string {
		return `"StringLike":{"kms:EncryptionContext:aws:s3:arn":["` + strings.Join(arns, `","`) + `"]}`
	}
	bucketARN := "arn:aws:s3:::" + lakeBucket
	type req struct{ op, want string }
	all := func(want string) []req {
		return []req{{"GetObject", want}, {"PutObject", want}, {"CreateMultipartUpload", want}, {"UploadPart", want}}
	}
	cases := map[string]struct {
		env  []*unstructured.Unstructured
		reqs []req
	}{
		"SSES3NeedsNoKMS": {env: lakeEnv("AES256", false), reqs: all("")},
		"SSEKMSWithoutKMSGrant": {env: lakeEnv("aws:kms", true), reqs: []req{
			{"GetObject", "not authorized to perform: kms:Decrypt on resource: arn:aws:kms:ap-northeast-1:"},
			{"PutObject", "not authorized to perform: kms:GenerateDataKey"},
			{"CreateMultipartUpload", "kms:GenerateDataKey"},
			{"UploadPart", "kms:Decrypt"},
		}},
		"KeyARNGrant":           {env: lakeEnv("aws:kms", true, kmsGrant(rw, "arn:aws:kms:ap-northeast-1:"+AccountID+":key/*", "")), reqs: all("")},
		"ConditionsOnBucketARN": {env: lakeEnv("aws:kms", true, kmsGrant(rw, "*", "{"+via+","+ctxLike(bucketARN)+"}")), reqs: all("")},
		"ReadOnlyGrant": {env: lakeEnv("aws:kms", true, kmsGrant(`["kms:Decrypt"]`, "*", "{"+via+","+ctxLike(bucketARN)+"}")), reqs: []req{
			{"GetObject", ""}, {"UploadPart", ""}, {"PutObject", "kms:GenerateDataKey"}, {"CreateMultipartUpload", "kms:GenerateDataKey"},
		}},
		"GenerateDataKeyAloneFailsMultipart": {env: lakeEnv("aws:kms", true, kmsGrant(`["kms:GenerateDataKey"]`, "*", "{"+via+","+ctxLike(bucketARN)+"}")), reqs: []req{
			{"PutObject", ""}, {"CreateMultipartUpload", ""}, {"UploadPart", "kms:Decrypt"}, {"GetObject", "kms:Decrypt"},
		}},
		"ContextOfAnotherBucket": {env: lakeEnv("aws:kms", true, kmsGrant(rw, "*", "{"+via+","+ctxLike("arn:aws:s3:::other")+"}")), reqs: all("AccessDenied")},
		"ViaAnotherRegion":       {env: lakeEnv("aws:kms", true, kmsGrant(rw, "*", `{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"},`+ctxLike(bucketARN)+"}")), reqs: all("AccessDenied")},
		// Without a bucket key the context is the object ARN.
		"NoBucketKeyBucketARNOnly":   {env: lakeEnv("aws:kms", false, kmsGrant(rw, "*", "{"+via+","+ctxLike(bucketARN)+"}")), reqs: all("AccessDenied")},
		"NoBucketKeyObjectARNs":      {env: lakeEnv("aws:kms", false, kmsGrant(rw, "*", "{"+via+","+ctxLike(bucketARN+"/*")+"}")), reqs: all("")},
		"ExplicitDeny":               {env: lakeEnv("aws:kms", true, kmsGrant(rw, "*", ""), `{"Effect":"Deny","Action":"kms:*","Resource":"*"}`), reqs: all("AccessDenied")},
		"UnknownOperatorNeverAllows": {env: lakeEnv("aws:kms", true, kmsGrant(rw, "*", `{"ForAnyValue:StringLike":{"kms:EncryptionContextKeys":"*"}}`)), reqs: all("AccessDenied")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), AccountID)
			apply(t, a, tc.env...)
			apply(t, a, tc.env...)
			for _, f := range a.Failures() {
				t.Fatalf("setup refused: %s", f)
			}
			for _, r := range tc.reqs {
				err := a.S3Request(lakeRole, r.op, lakeBucket, "wards/2026/data.parquet")
				switch {
				case r.want == "" && err != nil:
					t.Errorf("%s: %v, want it served", r.op, err)
				case r.want != "" && (err == nil || !strings.Contains(err.Error(), r.want)):
					t.Errorf("%s: %v, want an error containing %q", r.op, err, r.want)
				case err != nil && err.Rule != ruleS3Access:
					t.Errorf("%s: rule %q, want %s", r.op, err.Rule, ruleS3Access)
				}
			}
		})
	}
}

// TestS3RequestS3Grant: the S3 action itself is checked on the object ARN,
// and the role and bucket must exist.
func TestS3RequestS3Grant(t *testing.T) {
	a := newAccount(NewCloud(), AccountID)
	apply(t, a, lakeEnv("AES256", false)...)
	apply(t, a, lakeEnv("AES256", false)...)
	for req, want := range map[[3]string]string{
		{lakeRole, "GetObject", "other-bucket"}:                                 "NoSuchBucket",
		{"arn:aws:iam::" + AccountID + ":role/nobody", "GetObject", lakeBucket}: "no IAM role",
		{lakeRole, "DeleteObject", lakeBucket}:                                  "does not play DeleteObject",
	} {
		if err := a.S3Request(req[0], req[1], req[2], "k"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: %v, want %q", req, err, want)
		}
	}
	// A grant on another bucket's objects does not cover this one.
	env := lakeEnv("AES256", false)
	_ = unstructured.SetNestedField(env[4].Object, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::other/*"}]}`, "spec", "forProvider", "policy")
	b := newAccount(NewCloud(), AccountID)
	apply(t, b, env...)
	apply(t, b, env...)
	if err := b.S3Request(lakeRole, "PutObject", lakeBucket, "k"); err == nil || !strings.Contains(err.Error(), "s3:PutObject on resource: arn:aws:s3:::"+lakeBucket+"/k") {
		t.Errorf("PutObject with a grant on another bucket: %v", err)
	}
}
