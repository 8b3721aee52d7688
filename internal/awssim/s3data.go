package awssim

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The S3 data plane, for the apps' own requests (an IRSA pod calling S3):
// S3 authorizes the object operation against the caller's IAM policies and,
// for a bucket whose default encryption is SSE-KMS, calls KMS with the
// caller's credentials for the actions facts.IAM.S3SSEKMS lists, in the
// request context S3 sets (kms:ViaService, and the aws:s3:arn encryption
// context: the bucket ARN with an S3 Bucket Key, the object ARN without).
// Objects themselves are not stored.

// rule name of the data-plane refusals.
const ruleS3Access = "s3-access"

// S3Request is one S3 object operation (GetObject, PutObject,
// CreateMultipartUpload, UploadPart) on bucket/key with the credentials of
// the IAM role roleArn. It returns nil where S3 would serve it, or S3's
// AccessDenied (the KMS message when KMS refused). The key of the bucket's
// default encryption is assumed to have the default key policy (which lets
// IAM policies grant its use); a key policy of its own is not evaluated, nor
// the bucket policy (the caller uses TLS, which is all the data lake's
// policy asks).
func (a *Account) S3Request(roleArn, op, bucket, key string) *AWSError {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := a.Facts.IAM.S3SSEKMS
	s3Action := f.ObjectActions[op]
	if s3Action == "" {
		return awsErr(ruleS3Access, op, "NotImplemented", "the simulated S3 data plane does not play %s", op)
	}
	docs, ok := a.rolePolicies(roleArn)
	if !ok {
		return awsErr(ruleS3Access, "AssumeRoleWithWebIdentity", "AccessDenied", "no IAM role %s", roleArn)
	}
	bucketARN := "arn:aws:s3:::" + bucket
	objectARN := bucketARN + "/" + key
	b := a.byExternalName(gk("s3", "Bucket"), bucket)
	if b == nil || !b.inAWS() {
		// The name is global: a bucket of another account (a squatter's,
		// on a name it guessed) is served when the caller's identity
		// policy allows it and its owner's bucket policy does, which is
		// taken to allow anything (the worst case). Only a condition on
		// s3:ResourceAccount in the caller's policy keeps the data home.
		owner := a.bucketOwner(bucket)
		if owner == "" || owner == a.ID {
			return awsErr(ruleS3Access, op, "NoSuchBucket", "The specified bucket does not exist: %s", bucket)
		}
		if !decide(docs, request{action: s3Action, resource: objectARN, context: map[string]string{a.Facts.IAM.S3OwnAccount.Key: owner}}) {
			return denied(roleArn, op, s3Action, objectARN)
		}
		return nil
	}
	if !decide(docs, request{action: s3Action, resource: objectARN, context: map[string]string{a.Facts.IAM.S3OwnAccount.Key: a.ID}}) {
		return denied(roleArn, op, s3Action, objectARN)
	}
	sse := a.defaultEncryption(b)
	if sse.algorithm != "aws:kms" || sse.keyARN == "" {
		// SSE-S3, or the AWS managed key aws/s3, whose key policy lets
		// any principal of the account use it through S3.
		return nil
	}
	ctx := objectARN
	if sse.bucketKey {
		ctx = bucketARN
	}
	reqCtx := map[string]string{
		"kms:ViaService": f.ViaServiceIn(region(b.Observed)),
		"kms:EncryptionContext:" + f.EncryptionContextKey: ctx,
	}
	for _, act := range f.Actions[op] {
		if !decide(docs, request{action: act, resource: sse.keyARN, context: reqCtx}) {
			return denied(roleArn, op, act, sse.keyARN)
		}
	}
	return nil
}

// bucketOwner is the account that owns a bucket name in the cloud, "".
func (a *Account) bucketOwner(bucket string) string {
	if a.Cloud == nil {
		return ""
	}
	a.Cloud.mu.Lock()
	defer a.Cloud.mu.Unlock()
	if r, ok := a.Cloud.buckets[bucket]; ok && r.inAWS() {
		return a.Cloud.owner[bucket]
	}
	return ""
}

// denied is S3's AccessDenied in IAM's words for the assumed role.
func denied(roleArn, op, action, resource string) *AWSError {
	session := strings.Replace(strings.Replace(roleArn, ":iam::", ":sts::", 1), ":role/", ":assumed-role/", 1) + "/simulated-session"
	return awsErr(ruleS3Access, op, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
		session, action, resource, action)
}

// bucketEncryption is a bucket's default encryption as S3 applies it.
type bucketEncryption struct {
	algorithm, keyARN string
	bucketKey         bool
}

// defaultEncryption is the bucket's available default encryption
// configuration (SSE-S3 without one: S3's default since 2023).
func (a *Account) defaultEncryption(b *Resource) bucketEncryption {
	out := bucketEncryption{algorithm: "AES256"}
	for _, u := range a.users(b) {
		if u.Kind != gk("s3", "BucketServerSideEncryptionConfiguration") || u.State != StateAvailable {
			continue
		}
		rules, _, _ := unstructured.NestedSlice(u.Observed.Object, "spec", "forProvider", "rule")
		for _, r := range rules {
			rm, _ := r.(map[string]any)
			bk, _ := rm["bucketKeyEnabled"].(bool)
			defs, _ := rm["applyServerSideEncryptionByDefault"].([]any)
			for _, d := range defs {
				dm, _ := d.(map[string]any)
				alg, _ := dm["sseAlgorithm"].(string)
				keyID, _ := dm["kmsMasterKeyId"].(string)
				out = bucketEncryption{algorithm: alg, keyARN: keyARN(keyID, region(b.Observed)), bucketKey: bk}
			}
		}
	}
	return out
}

// keyARN is the ARN of the key a kmsMasterKeyId names: an ARN (what the
// provider resolves a key reference to) or a key id. Aliases are not
// modelled.
func keyARN(id, region string) string {
	if id == "" || strings.HasPrefix(id, "arn:") {
		return id
	}
	return ARN("kms", region, "key/"+id)
}
