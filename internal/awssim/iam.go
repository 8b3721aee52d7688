package awssim

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The IAM kinds, as the AWS simulator reports them. IAM is global: its ARNs
// have no region.
func init() { // Registration of simulated kinds.
	iam := func(kind string) schema.GroupKind { return schema.GroupKind{Group: "iam.aws.upbound.io", Kind: kind} }
	Register(iam("Role"), "", func(u *unstructured.Unstructured, id string) {
		SetAtProvider(u, ARN("iam", "", "role/"+id), "arn")
		SetAtProvider(u, "AROA"+strings.ToUpper(Hash("role/" + id)[:17]), "uniqueId")
	})
	Register(iam("RolePolicy"), "", nil)
	Register(iam("RolePolicyAttachment"), "", nil)
	Register(iam("Policy"), "", func(u *unstructured.Unstructured, id string) {
		SetAtProvider(u, ARN("iam", "", "policy/"+id), "arn")
	})
	// The provider identifies an OIDC provider by its ARN, which IAM derives
	// from the issuer URL.
	Register(iam("OpenIDConnectProvider"), "", func(u *unstructured.Unstructured, _ string) {
		url := forProviderString(u, "url")
		arn := ARN("iam", "", "oidc-provider/"+strings.TrimPrefix(url, "https://"))
		SetAtProvider(u, arn, "arn")
		SetAtProvider(u, arn, "id")
		setExternalName(u, arn)
	})
}

func setExternalName(u *unstructured.Unstructured, name string) {
	ann := u.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[AnnotationExternalName] = name
	u.SetAnnotations(ann)
}
