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
// carries (the strategy's tag-based cost tracking); EnvironmentId (the name
// prefix) tells apart two claims of one kind in an account.
var RequiredTags = []string{"Project", "Environment", "EnvironmentId", "ManagedBy"}

// nodeTagTypes are the launch template tag specification resource types
// that bill: a node's instance and its volumes.
var nodeTagTypes = []string{"instance", "volume"}

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
		About: "Every AWS resource that takes tags has Project, Environment, EnvironmentId and ManagedBy.",
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

func init() { // Rule registry.
	register(Rule{
		Name:  "nodes-tagged",
		About: "Every node group launches through its launch template, which tags instances and volumes with the cost allocation tags (EKS copies no node group tag to them).",
		Applies: func(u *unstructured.Unstructured) bool {
			return u.GroupVersionKind().Group == "eks.aws.upbound.io" && u.GetKind() == "NodeGroup"
		},
		Check: func(u *unstructured.Unstructured, all *Index) []string {
			lts, _, _ := unstructured.NestedSlice(u.Object, "spec", "forProvider", "launchTemplate")
			if len(lts) == 0 {
				return []string{"has no launch template: its instances and volumes carry no cost allocation tag"}
			}
			comp := strings.Replace(u.GetLabels()[labelComponent], "node-group-", "launch-template-", 1)
			for _, lt := range all.All() {
				if lt.GetKind() != "LaunchTemplate" || lt.GetLabels()[labelComponent] != comp || lt.GetLabels()["crossplane.io/composite"] != u.GetLabels()["crossplane.io/composite"] {
					continue
				}
				var out []string
				specs := tagSpecs(lt)
				for _, rt := range nodeTagTypes {
					for _, k := range RequiredTags {
						if specs[rt][k] == "" {
							out = append(out, fmt.Sprintf("launch template %s: %s tag specification lacks %s", comp, rt, k))
						}
					}
				}
				return out
			}
			return []string{"no launch template " + comp + " in its composite"}
		},
	})
	register(Rule{
		Name:  "budget-covers-environment",
		About: "The budget filters on EnvironmentId = its environment's name prefix, a tag every tagged resource and every node launch carries.",
		Applies: func(u *unstructured.Unstructured) bool {
			return u.GroupVersionKind().Group == "budgets.aws.upbound.io" && u.GetKind() == "Budget"
		},
		Check: func(u *unstructured.Unstructured, all *Index) []string {
			filters, _, _ := unstructured.NestedSlice(u.Object, "spec", "forProvider", "costFilter")
			var values []string
			for _, f := range filters {
				m, _ := f.(map[string]any)
				if m["name"] != "TagKeyValue" {
					continue
				}
				vs, _ := m["values"].([]any)
				for _, v := range vs {
					s, _ := v.(string)
					values = append(values, s)
				}
			}
			prefix := strings.TrimSuffix(u.GetAnnotations()["crossplane.io/external-name"], "-monthly")
			want := "user:EnvironmentId$" + prefix
			if len(values) != 1 || values[0] != want {
				return []string{fmt.Sprintf("cost filter TagKeyValue %v, want [%s]: only the per-claim tag tells two claims of one kind in an account apart", values, want)}
			}
			var out []string
			for _, o := range all.All() {
				if !strings.HasSuffix(o.GroupVersionKind().Group, ".aws.upbound.io") || !taggable[o.GroupVersionKind().GroupKind()] {
					continue
				}
				tags, _, _ := unstructured.NestedStringMap(o.Object, "spec", "forProvider", "tags")
				if tags["EnvironmentId"] != prefix {
					out = append(out, fmt.Sprintf("%s is tagged EnvironmentId=%q: the budget does not count it", Describe(o), tags["EnvironmentId"]))
				}
				if o.GetKind() == "LaunchTemplate" {
					for _, rt := range nodeTagTypes {
						if got := tagSpecs(o)[rt]["EnvironmentId"]; got != prefix {
							out = append(out, fmt.Sprintf("%s tags %s with EnvironmentId=%q: the budget does not count them", Describe(o), rt, got))
						}
					}
				}
			}
			return out
		},
	})
}

// tagSpecs are a launch template's tag specifications by resource type.
func tagSpecs(lt *unstructured.Unstructured) map[string]map[string]string {
	out := map[string]map[string]string{}
	specs, _, _ := unstructured.NestedSlice(lt.Object, "spec", "forProvider", "tagSpecifications")
	for _, s := range specs {
		m, _ := s.(map[string]any)
		rt, _ := m["resourceType"].(string)
		tags := map[string]string{}
		if t, ok := m["tags"].(map[string]any); ok {
			for k, v := range t {
				tags[k], _ = v.(string)
			}
		}
		out[rt] = tags
	}
	return out
}
