package facts

import (
	"regexp"
	"testing"
)

var iamAction = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9]+$`)

// TestIAM: every controller policy names its version, a source and
// well-formed actions, each once.
func TestIAM(t *testing.T) {
	lb, ok := IAM.Controllers["aws-load-balancer-controller"]
	if !ok || lb.Version != "v"+Charts.Charts["aws-load-balancer-controller"].AppVersion[1:] {
		t.Errorf("the load balancer controller's policy must be the one of the pinned chart's appVersion %s, got %q",
			Charts.Charts["aws-load-balancer-controller"].AppVersion, lb.Version)
	}
	for name, c := range IAM.Controllers {
		checkSource(t, "controller "+name, c.Source)
		if len(c.Actions) == 0 {
			t.Errorf("controller %s: no actions", name)
		}
		seen := map[string]bool{}
		for _, a := range c.Actions {
			if !iamAction.MatchString(a) || seen[a] {
				t.Errorf("controller %s: action %q malformed or repeated", name, a)
			}
			seen[a] = true
		}
	}
}

// TestS3SSEKMS: the KMS actions S3 needs are named per operation, with
// sources, and the context keys are the ones S3 sets.
func TestS3SSEKMS(t *testing.T) {
	if o := IAM.S3OwnAccount; o.Key == "" {
		t.Error("iam.yaml s3OwnAccount: the condition key must be set")
	} else {
		checkSource(t, "iam.yaml s3OwnAccount", o.Source)
	}
	f := IAM.S3SSEKMS
	if len(f.Sources) == 0 {
		t.Error("s3SseKms: no sources")
	}
	for i, s := range f.Sources {
		checkSource(t, "s3SseKms source "+string(rune('0'+i)), s)
	}
	for _, op := range []string{"GetObject", "PutObject", "CreateMultipartUpload", "UploadPart"} {
		if !iamAction.MatchString(f.ObjectActions[op]) {
			t.Errorf("s3SseKms: no S3 action for %s", op)
		}
		if len(f.Actions[op]) == 0 {
			t.Errorf("s3SseKms: no KMS actions for %s", op)
		}
		for _, a := range f.Actions[op] {
			if !iamAction.MatchString(a) || a[:4] != "kms:" {
				t.Errorf("s3SseKms %s: %q is not a KMS action", op, a)
			}
		}
	}
	if got := f.ViaServiceIn("ap-northeast-1"); got != "s3.ap-northeast-1.amazonaws.com" {
		t.Errorf("ViaServiceIn = %q", got)
	}
	if got := f.ActionsFor("PutObject", "CreateMultipartUpload", "UploadPart"); len(got) != 2 || got[0] != "kms:Decrypt" || got[1] != "kms:GenerateDataKey" {
		t.Errorf("write actions = %v, want [kms:Decrypt kms:GenerateDataKey]", got)
	}
	if f.EncryptionContextKey != "aws:s3:arn" {
		t.Errorf("encryptionContextKey = %q", f.EncryptionContextKey)
	}
}
