package cluster

import (
	"testing"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
)

func TestClaimClusterCEL(t *testing.T) {
	v := composetest.NewCEL(t, "../../../../apis/environment/definition.yaml", "spec", "parameters", "cluster")
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
			v.Expect(t, tc.reason, tc.new, tc.old, tc.wantErr)
		})
	}
}
