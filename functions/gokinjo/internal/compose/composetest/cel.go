package composetest

import (
	"context"
	"os"
	"strings"
	"testing"

	apiextensions "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"
)

// LoadXRD reads an XRD file.
func LoadXRD(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := yaml.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// SchemaAt walks properties (and array items) from the XRD's first
// version's openAPIV3Schema.
func SchemaAt(t testing.TB, xrd map[string]any, props ...string) map[string]any {
	t.Helper()
	vs := xrd["spec"].(map[string]any)["versions"].([]any)
	cur := vs[0].(map[string]any)["schema"].(map[string]any)["openAPIV3Schema"].(map[string]any)
	for _, p := range props {
		if items, ok := cur["items"].(map[string]any); ok {
			cur = items
		}
		next, ok := cur["properties"].(map[string]any)[p].(map[string]any)
		if !ok {
			t.Fatalf("no property %s in %v", p, props)
		}
		cur = next
	}
	return cur
}

// CEL runs the CEL rules of one schema of an XRD with the API server's own
// validator, so transition rules (which need the old object, and which
// offline validation cannot run) are tested as the API server runs them.
type CEL struct {
	v    *cel.Validator
	ss   *structuralschema.Structural
	path *field.Path
}

// NewCEL compiles the rules of the schema at props of the XRD at path.
func NewCEL(t testing.TB, path string, props ...string) *CEL {
	t.Helper()
	raw := SchemaAt(t, LoadXRD(t, path), props...)
	var v1 apiextensionsv1.JSONSchemaProps
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &v1); err != nil {
		t.Fatal(err)
	}
	var internal apiextensions.JSONSchemaProps
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(&v1, &internal, nil); err != nil {
		t.Fatal(err)
	}
	ss, err := structuralschema.NewStructural(&internal)
	if err != nil {
		t.Fatal(err)
	}
	return &CEL{v: cel.NewValidator(ss, true, celconfig.PerCallLimit), ss: ss, path: field.NewPath(props[0], props[1:]...)}
}

// Validate checks an object (and, for an update, the old one; nil for a
// create) and returns what the API server would refuse, nil if nothing.
func (c *CEL) Validate(obj, old map[string]any) error {
	var o any // A nil map would still be an old object.
	if old != nil {
		o = old
	}
	errs, _ := c.v.Validate(context.Background(), c.path, c.ss, obj, o, celconfig.RuntimeCELCostBudget)
	return errs.ToAggregate()
}

// Expect validates obj (old nil for a create) and fails t unless the API
// server would refuse it with an error containing wantErr, or accept it
// when wantErr is "".
func (c *CEL) Expect(t testing.TB, reason string, obj, old map[string]any, wantErr string) {
	t.Helper()
	got := c.Validate(obj, old)
	switch {
	case wantErr == "" && got != nil:
		t.Errorf("%s\nrefused: %v", reason, got)
	case wantErr != "" && (got == nil || !strings.Contains(got.Error(), wantErr)):
		t.Errorf("%s\ngot %v, want an error containing %q", reason, got, wantErr)
	}
}
