package facts

// LimitFacts: AWS name and document limits. Owner: naming; the simulator
// enforces them.
type LimitFacts struct {
	// Names maps a kind of name (s3Bucket, rdsIdentifier, iamRole, ...) to its rule.
	Names map[string]NameLimit `json:"names"`
	// PolicyDocuments maps a kind of IAM policy document (trust, inline,
	// managed) to its maximum size in characters.
	PolicyDocuments map[string]int `json:"policyDocuments"`
	// Quotas maps an account quota (elasticIPsPerRegion) to its default.
	Quotas map[string]Quota `json:"quotas"`
}

// Quota is an AWS account quota's default value.
type Quota struct {
	Default    int    `json:"default"`
	Adjustable bool   `json:"adjustable"`
	Source     Source `json:"source"`
}

// NameLimit is the length and character rule of one kind of AWS name.
type NameLimit struct {
	Min int `json:"min"`
	Max int `json:"max"`
	// Rule says in words which characters are allowed; Pattern is the same
	// rule as a regular expression for code.
	Rule    string `json:"rule"`
	Pattern string `json:"pattern"`
	Source  Source `json:"source"`
}

// Limits is loaded from data/limits.yaml.
var Limits = mustLoad[LimitFacts]("limits.yaml")
