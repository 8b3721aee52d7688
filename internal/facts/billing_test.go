package facts

import "testing"

func TestBilling(t *testing.T) {
	checkSource(t, "billing", Billing.Source)
	checkSource(t, "billing tagKeyValue", Billing.TagKeyValueSource)
	if got, want := Billing.TagKeyValue("EnvironmentId", "gokinjo-dev-abc234"), "user:EnvironmentId$gokinjo-dev-abc234"; got != want {
		t.Errorf("TagKeyValue = %q, want %q", got, want)
	}
}
