package environment

import (
	"testing"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
)

// TestClaimTransitions: changes to a running environment that the claim's
// XRD refuses, as the API server runs its transition rules.
func TestClaimTransitions(t *testing.T) {
	v := composetest.NewCEL(t, "../../../../apis/environment/definition.yaml", "spec", "parameters")
	base := func(extra map[string]any) map[string]any {
		p := map[string]any{"environment": "dev", "region": "ap-northeast-1", "providerConfigName": "default"}
		for k, x := range extra {
			p[k] = x
		}
		return p
	}
	kms := map[string]any{"encryption": "aws:kms"}
	cases := map[string]struct {
		reason   string
		old, new map[string]any
		wantErr  string
	}{
		"ProviderConfigChanged": {
			reason: "Another ProviderConfig may be another account: every resource would be created anew.",
			old:    base(nil), new: base(map[string]any{"providerConfigName": "other-account"}),
			wantErr: "providerConfigName is immutable",
		},
		"KMSBackToAES256": {
			reason: "Objects written with the KMS key stay encrypted with it.",
			old:    base(map[string]any{"dataLake": kms}), new: base(map[string]any{"dataLake": map[string]any{"encryption": "AES256"}}),
			wantErr: "dataLake.encryption cannot go back from aws:kms",
		},
		"KMSRemoved": {
			reason: "Removing the field falls back to AES256: refused the same way.",
			old:    base(map[string]any{"dataLake": kms}), new: base(nil),
			wantErr: "dataLake.encryption cannot go back from aws:kms",
		},
		"AES256ToKMS": {
			reason: "New objects may be encrypted with KMS; existing ones stay readable.",
			old:    base(nil), new: base(map[string]any{"dataLake": kms}),
		},
		"Unchanged": {reason: "An unchanged claim passes.", old: base(map[string]any{"dataLake": kms}), new: base(map[string]any{"dataLake": kms})},
		"Create":    {reason: "A new claim is judged without the transition rules.", new: base(map[string]any{"dataLake": kms})},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			v.Expect(t, tc.reason, tc.new, tc.old, tc.wantErr)
		})
	}
}
