package awssim

import (
	"github.com/google/uuid"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The AWS simulator's KMS, ECR, CloudWatch Logs and Budgets.
func init() { // Registration of simulated kinds.
	gk := func(group, kind string) schema.GroupKind {
		return schema.GroupKind{Group: group + ".aws.upbound.io", Kind: kind}
	}
	// A KMS key is identified by a key id in UUID form, with the key ARN
	// the EKS cluster's encryption config takes. AWS chooses the id at
	// create; once it is the external name, later observations keep it
	// (deriving again would give the same key a new id on every reconcile).
	Register(gk("kms", "Key"), "", func(u *unstructured.Unstructured, id string) {
		keyID := id
		if uuid.Validate(id) != nil {
			h := Hash("kms/" + id)
			keyID = h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
		}
		SetAtProvider(u, keyID, "id")
		SetAtProvider(u, keyID, "keyId")
		SetAtProvider(u, ARN("kms", region(u), "key/"+keyID), "arn")
		setExternalName(u, keyID)
	})
	Register(gk("kms", "Alias"), "", func(u *unstructured.Unstructured, id string) {
		SetAtProvider(u, ARN("kms", region(u), id), "arn")
	})
	Register(gk("ecr", "Repository"), "", func(u *unstructured.Unstructured, name string) {
		r := region(u)
		SetAtProvider(u, ARN("ecr", r, "repository/"+name), "arn")
		SetAtProvider(u, AccountID, "registryId")
		SetAtProvider(u, AccountID+".dkr.ecr."+r+".amazonaws.com/"+name, "repositoryUrl")
	})
	Register(gk("ecr", "LifecyclePolicy"), "", func(u *unstructured.Unstructured, _ string) {
		SetAtProvider(u, AccountID, "registryId")
	})
	Register(gk("cloudwatchlogs", "Group"), "", func(u *unstructured.Unstructured, name string) {
		SetAtProvider(u, ARN("logs", region(u), "log-group:"+name), "arn")
	})
	Register(gk("budgets", "Budget"), "", func(u *unstructured.Unstructured, name string) {
		SetAtProvider(u, "arn:aws:budgets::"+AccountID+":budget/"+name, "arn")
		SetAtProvider(u, AccountID+":"+name, "id")
	})
}
