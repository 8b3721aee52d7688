package datalake

import (
	"github.com/crossplane/crossplane-runtime/pkg/meta"
	"github.com/crossplane/function-sdk-go/resource"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func resourceName(s string) resource.Name { return resource.Name(s) }

// status reports the bucket names and ARNs (known up front: S3 bucket ARNs
// carry only the name), the repository URLs once observed, and the log
// groups.
func (d *datalake) status() v1alpha1.DataLakeStatus {
	st := v1alpha1.DataLakeStatus{}
	for _, t := range Tiers {
		name := BucketName(d.p, t)
		// The name the bucket has: the composed one keeps an existing
		// bucket's (compose.keepExternalName).
		if b, ok := d.s.Desired()[resourceName(bucketComponent(t))]; ok {
			if ext := b.Resource.GetAnnotations()[meta.AnnotationKeyExternalName]; ext != "" {
				name = ext
			}
		}
		arn := d.s.ObservedString(bucketComponent(t), "status.atProvider.arn")
		if arn == "" {
			arn = BucketARN(name)
		}
		st.Buckets = append(st.Buckets, v1alpha1.BucketStatus{Tier: t, Name: name, ARN: arn})
	}
	for _, app := range Apps {
		st.Repositories = append(st.Repositories, v1alpha1.RepositoryStatus{
			Name: d.repositoryName(app),
			URL:  d.s.ObservedString(repositoryComponent(app), "status.atProvider.repositoryUrl"),
		})
	}
	for _, app := range LogApps {
		st.LogGroups = append(st.LogGroups, LogGroupName(d.p.Owner, app))
	}
	if d.p.Encryption == v1alpha1.EncryptionKMS {
		st.KMSKeyARN = d.s.ObservedString(compKMSKey, "status.atProvider.arn")
	}
	return st
}
