package compose

import (
	"github.com/crossplane/function-sdk-go/resource/composed"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	budgetsv1beta1 "github.com/upbound/provider-aws/apis/budgets/v1beta1"
	cwlv1beta1 "github.com/upbound/provider-aws/apis/cloudwatchlogs/v1beta1"
	ecrv1beta1 "github.com/upbound/provider-aws/apis/ecr/v1beta1"
	kmsv1beta1 "github.com/upbound/provider-aws/apis/kms/v1beta1"
	rdsv1beta1 "github.com/upbound/provider-aws/apis/rds/v1beta1"
	rdsv1beta2 "github.com/upbound/provider-aws/apis/rds/v1beta2"
	s3v1beta1 "github.com/upbound/provider-aws/apis/s3/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// dataSchemeBuilders are the provider API packages of the database and
// data-lake layers, each at its kinds' CRD storage version (rds Instance
// v1beta2; SubnetGroup, ParameterGroup and every s3, kms, ecr,
// cloudwatchlogs and budgets kind used here v1beta1).
var dataSchemeBuilders = []func(*runtime.Scheme) error{
	rdsv1beta1.SchemeBuilder.AddToScheme,
	rdsv1beta2.SchemeBuilder.AddToScheme,
	kmsv1beta1.SchemeBuilder.AddToScheme,
	s3v1beta1.SchemeBuilder.AddToScheme,
	ecrv1beta1.SchemeBuilder.AddToScheme,
	cwlv1beta1.SchemeBuilder.AddToScheme,
	budgetsv1beta1.SchemeBuilder.AddToScheme,
}

func init() { // composed.Scheme and the stateful registry are package-level.
	for _, add := range dataSchemeBuilders {
		if err := add(composed.Scheme); err != nil {
			panic(err)
		}
	}
	// Data lives in these: never dropped once observed. A KMS key counts
	// because losing it makes encrypted snapshots unreadable.
	RegisterStateful(
		schema.GroupKind{Group: "rds.aws.upbound.io", Kind: "Instance"},
		schema.GroupKind{Group: "s3.aws.upbound.io", Kind: "Bucket"},
		schema.GroupKind{Group: "kms.aws.upbound.io", Kind: "Key"},
		schema.GroupKind{Group: v1alpha1.Group, Kind: v1alpha1.KindDatabase},
		schema.GroupKind{Group: v1alpha1.Group, Kind: v1alpha1.KindDataLake},
	)
}
