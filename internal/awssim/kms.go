package awssim

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// KMS keys, as the AWS simulator reports them: identified by a key id in
// UUID form, with the key ARN the EKS cluster's encryption config takes.
func init() { // Registration of simulated kinds.
	Register(schema.GroupKind{Group: "kms.aws.upbound.io", Kind: "Key"}, "", func(u *unstructured.Unstructured, id string) {
		h := Hash("kms/" + id)
		keyID := h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
		region := forProviderString(u, "region")
		SetAtProvider(u, keyID, "keyId")
		SetAtProvider(u, keyID, "id")
		SetAtProvider(u, ARN("kms", region, "key/"+keyID), "arn")
		setExternalName(u, keyID)
	})
	Register(schema.GroupKind{Group: "kms.aws.upbound.io", Kind: "Alias"}, "", func(u *unstructured.Unstructured, id string) {
		SetAtProvider(u, ARN("kms", forProviderString(u, "region"), id), "arn")
	})
}
