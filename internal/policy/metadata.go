package policy

import (
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func init() { // Rule registry.
	register(Rule{
		Name: "metadata-valid",
		About: "Every composed resource's labels and annotations are what the API server accepts " +
			"(label values at most 63 characters; schema validation offline does not check metadata).",
		Applies: func(*unstructured.Unstructured) bool { return true },
		Check: func(u *unstructured.Unstructured, _ *Index) []string {
			md := field.NewPath("metadata")
			errs := metavalidation.ValidateLabels(u.GetLabels(), md.Child("labels"))
			errs = append(errs, apivalidation.ValidateAnnotations(u.GetAnnotations(), md.Child("annotations"))...)
			var out []string
			for _, e := range errs {
				out = append(out, e.Error())
			}
			return out
		},
	})
}
