package policy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// RequiredTags are the cost-allocation tags every taggable AWS resource
// carries (the strategy's tag-based cost tracking).
var RequiredTags = []string{"Project", "Environment", "ManagedBy"}

// taggable holds the provider kinds whose CRD offers forProvider.tags; load
// it with LoadTaggable before running the rules.
var taggable map[schema.GroupKind]bool

// LoadTaggable reads the provider CRDs in dir and records which kinds take
// tags, so kinds AWS cannot tag (route table associations, say) are not
// asked to.
func LoadTaggable(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.aws.upbound.io_*.yaml"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no provider-aws CRDs in %s", dir)
	}
	taggable = map[schema.GroupKind]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var crd struct {
			Spec struct {
				Group string `json:"group"`
				Names struct {
					Kind string `json:"kind"`
				} `json:"names"`
				Versions []struct {
					Schema struct {
						OpenAPIV3Schema struct {
							Properties struct {
								Spec struct {
									Properties struct {
										ForProvider struct {
											Properties map[string]any `json:"properties"`
										} `json:"forProvider"`
									} `json:"properties"`
								} `json:"spec"`
							} `json:"properties"`
						} `json:"openAPIV3Schema"`
					} `json:"schema"`
				} `json:"versions"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(b, &crd); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for _, v := range crd.Spec.Versions {
			if _, ok := v.Schema.OpenAPIV3Schema.Properties.Spec.Properties.ForProvider.Properties["tags"]; ok {
				taggable[schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}] = true
			}
		}
	}
	return nil
}

func init() { // Rule registry.
	register(Rule{
		Name:  "aws-tagged",
		About: "Every AWS resource that takes tags has Project, Environment and ManagedBy.",
		Applies: func(u *unstructured.Unstructured) bool {
			return strings.HasSuffix(u.GroupVersionKind().Group, ".aws.upbound.io") && taggable[u.GroupVersionKind().GroupKind()]
		},
		Check: func(u *unstructured.Unstructured, _ *Index) []string {
			tags, _, _ := unstructured.NestedStringMap(u.Object, "spec", "forProvider", "tags")
			var out []string
			for _, k := range RequiredTags {
				if tags[k] == "" {
					out = append(out, "tag "+k+" is missing")
				}
			}
			return out
		},
	})
}
