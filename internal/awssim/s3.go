package awssim

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The AWS simulator's S3: buckets report their ARN and domain names; the
// bucket settings kinds only exist.
func init() { // Registration of simulated kinds.
	s3 := func(kind string) schema.GroupKind { return schema.GroupKind{Group: "s3.aws.upbound.io", Kind: kind} }
	Register(s3("Bucket"), "", func(u *unstructured.Unstructured, name string) {
		r := region(u)
		SetAtProvider(u, "arn:aws:s3:::"+name, "arn")
		SetAtProvider(u, name+".s3.amazonaws.com", "bucketDomainName")
		SetAtProvider(u, name+".s3."+r+".amazonaws.com", "bucketRegionalDomainName")
		SetAtProvider(u, r, "region")
	})
	for _, k := range []string{"BucketVersioning", "BucketServerSideEncryptionConfiguration", "BucketPublicAccessBlock",
		"BucketOwnershipControls", "BucketPolicy", "BucketLifecycleConfiguration"} {
		Register(s3(k), "", nil)
	}
}
