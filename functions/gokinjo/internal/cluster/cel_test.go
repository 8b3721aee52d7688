package cluster

import (
	"context"
	"strings"
	"testing"

	apiextensions "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apimachinery/pkg/runtime"
	fieldpath "k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// claimClusterValidator compiles the CEL rules of the claim's
// spec.parameters.cluster with the API server's own validator, so transition
// rules (which need the old object, and which offline validation cannot
// run) are tested as the API server runs them.
func claimClusterValidator(t *testing.T) (*cel.Validator, *structuralschema.Structural) {
	t.Helper()
	env := loadXRD(t, "../../../../apis/environment/definition.yaml")
	raw := schemaAt(t, env, "spec", "parameters", "cluster")
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
	return cel.NewValidator(ss, true, celconfig.PerCallLimit), ss
}

func TestClaimClusterCEL(t *testing.T) {
	v, ss := claimClusterValidator(t)
	cases := map[string]struct {
		reason   string
		old, new map[string]any
		wantErr  string
	}{
		"OneMinorUp":   {reason: "One minor up is accepted.", old: map[string]any{"version": "1.34"}, new: map[string]any{"version": "1.35"}},
		"Unchanged":    {reason: "An unchanged version is accepted.", old: map[string]any{"version": "1.35"}, new: map[string]any{"version": "1.35"}},
		"TwoMinorsUp":  {reason: "Two minors up is refused.", old: map[string]any{"version": "1.33", "supportType": "EXTENDED"}, new: map[string]any{"version": "1.35"}, wantErr: "may only move up one minor at a time"},
		"Downgrade":    {reason: "A downgrade is refused.", old: map[string]any{"version": "1.35"}, new: map[string]any{"version": "1.34"}, wantErr: "may only move up one minor at a time"},
		"FirstSetting": {reason: "Setting a version where none was set is judged by the function against the running cluster.", old: map[string]any{}, new: map[string]any{"version": "1.34"}},
		"ExtendedNeedsOptIn": {reason: "A version past standard support needs supportType EXTENDED.", new: map[string]any{"version": "1.33"},
			wantErr: "past EKS standard support"},
		"ExtendedOptIn": {reason: "With supportType EXTENDED a version in extended support is accepted.", new: map[string]any{"version": "1.33", "supportType": "EXTENDED"}},
		"AssumedRole": {reason: "An STS session ARN is refused naming the role ARN to use.",
			new:     map[string]any{"adminPrincipalArn": "arn:aws:sts::123456789012:assumed-role/PlatformAdmin/alice"},
			wantErr: "use the role ARN arn:aws:iam::123456789012:role/PlatformAdmin"},
		"NotIAM": {reason: "An ARN of another service is refused in words.", new: map[string]any{"adminPrincipalArn": "arn:aws:s3:::bucket"},
			wantErr: "adminPrincipalArn must be an IAM role or user ARN such as arn:aws:iam::123456789012:role/admin"},
		"RoleWithPath": {reason: "A role ARN with a path is accepted.", new: map[string]any{"adminPrincipalArn": "arn:aws:iam::123456789012:role/ops/platform-admin"}},
		"OpenToInternet": {reason: "0.0.0.0/0 is refused.", new: map[string]any{"publicAccessCidrs": []any{"0.0.0.0/0"}},
			wantErr: "must not open the API endpoint to the whole internet"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var old any
			if tc.old != nil {
				old = tc.old
			}
			errs, _ := v.Validate(context.Background(), fieldpath.NewPath("spec", "parameters", "cluster"), ss, tc.new, old, celconfig.RuntimeCELCostBudget)
			got := errs.ToAggregate()
			switch {
			case tc.wantErr == "" && got != nil:
				t.Errorf("%s\nrefused: %v", tc.reason, got)
			case tc.wantErr != "" && (got == nil || !strings.Contains(got.Error(), tc.wantErr)):
				t.Errorf("%s\ngot %v, want an error containing %q", tc.reason, got, tc.wantErr)
			}
		})
	}
}
