package policy

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// document is an IAM policy document. Action and Resource may be a string or
// a list in IAM; both decode to a list here.
type document struct {
	Statement []statement `json:"Statement"`
}

type statement struct {
	Effect    string                    `json:"Effect"`
	Action    stringList                `json:"Action"`
	Resource  stringList                `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition"`
}

type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

func parsePolicy(u *unstructured.Unstructured, field string) (document, error) {
	var d document
	s, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", field)
	if s == "" {
		return d, fmt.Errorf("%s is empty", field)
	}
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return d, fmt.Errorf("%s is not a policy document: %v", field, err)
	}
	return d, nil
}

func values(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}
