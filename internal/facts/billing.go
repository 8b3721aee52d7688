package facts

// BillingFacts: how an AWS Budget filters by a user-defined cost allocation
// tag. Owner: data-lake layer (the budget); the simulator's budget reads it.
type BillingFacts struct {
	// Source says that user-defined tags must be activated once per account
	// before a budget can filter on them, and that provider-aws has no
	// resource to do it.
	Source               Source `json:"source"`
	TagKeyValuePrefix    string `json:"tagKeyValuePrefix"`
	TagKeyValueSeparator string `json:"tagKeyValueSeparator"`
	TagKeyValueSource    Source `json:"tagKeyValueSource"`
}

// Billing is loaded from data/billing.yaml.
var Billing = mustLoad[BillingFacts]("billing.yaml")

// TagKeyValue is a budget cost filter value that counts spend tagged
// key=value.
func (f BillingFacts) TagKeyValue(key, value string) string {
	return f.TagKeyValuePrefix + key + f.TagKeyValueSeparator + value
}
