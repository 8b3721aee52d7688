package compose

import (
	"github.com/crossplane/function-sdk-go/resource/composed"
	"k8s.io/apimachinery/pkg/runtime"

	budgetsv1beta1 "github.com/upbound/provider-aws/apis/budgets/v1beta1"
	cwlv1beta1 "github.com/upbound/provider-aws/apis/cloudwatchlogs/v1beta1"
	ec2v1beta1 "github.com/upbound/provider-aws/apis/ec2/v1beta1"
	ec2v1beta2 "github.com/upbound/provider-aws/apis/ec2/v1beta2"
	ecrv1beta1 "github.com/upbound/provider-aws/apis/ecr/v1beta1"
	eksv1beta1 "github.com/upbound/provider-aws/apis/eks/v1beta1"
	iamv1beta1 "github.com/upbound/provider-aws/apis/iam/v1beta1"
	kmsv1beta1 "github.com/upbound/provider-aws/apis/kms/v1beta1"
	rdsv1beta1 "github.com/upbound/provider-aws/apis/rds/v1beta1"
	rdsv1beta2 "github.com/upbound/provider-aws/apis/rds/v1beta2"
	s3v1beta1 "github.com/upbound/provider-aws/apis/s3/v1beta1"
)

// schemeBuilders lists the provider API packages the layers compose. Each
// kind is composed at its CRD storage version, so no conversion webhook sits
// between the desired state and what the API server stores (rds Instance at
// v1beta2, its SubnetGroup and ParameterGroup at v1beta1, say).
var schemeBuilders = []func(*runtime.Scheme) error{
	ec2v1beta1.SchemeBuilder.AddToScheme,
	ec2v1beta2.SchemeBuilder.AddToScheme,
	eksv1beta1.SchemeBuilder.AddToScheme,
	iamv1beta1.SchemeBuilder.AddToScheme,
	kmsv1beta1.SchemeBuilder.AddToScheme,
	rdsv1beta1.SchemeBuilder.AddToScheme,
	rdsv1beta2.SchemeBuilder.AddToScheme,
	s3v1beta1.SchemeBuilder.AddToScheme,
	ecrv1beta1.SchemeBuilder.AddToScheme,
	cwlv1beta1.SchemeBuilder.AddToScheme,
	budgetsv1beta1.SchemeBuilder.AddToScheme,
}

func init() { // composed.Scheme is the SDK's package-level registry.
	for _, add := range schemeBuilders {
		if err := add(composed.Scheme); err != nil {
			panic(err)
		}
	}
}
