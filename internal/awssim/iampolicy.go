package awssim

import (
	"encoding/json"
	"regexp"
	"strings"
)

// An IAM policy document as the simulator reads it. Action, Resource and
// condition values may each be a string or a list, as in IAM.
type policyDoc struct {
	Statement []policyStatement
}

type policyStatement struct {
	Effect    string
	Action    strList
	Resource  strList
	Condition map[string]map[string]strList
	// NotAction or NotResource make a statement the simulator does not
	// evaluate: it never allows.
	NotAction   strList
	NotResource strList
}

// strList is a JSON string or list of strings.
type strList []string

func (l *strList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = strList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// A request is what IAM evaluates: an action on a resource, with its
// request context (condition keys, matched case-insensitively).
type request struct {
	action, resource string
	context          map[string]string
}

// decide evaluates the identity policies for a request the way IAM does
// for a principal in the resource's own account: an explicit Deny wins,
// else an Allow whose action, resource and every condition match, else the
// implicit deny. Condition operators other than StringEquals, StringLike,
// ArnEquals and ArnLike (and NotAction/NotResource) are not modelled: such
// an Allow never allows and such a Deny never denies.
func decide(docs []policyDoc, req request) bool {
	allowed := false
	for _, d := range docs {
		for _, s := range d.Statement {
			if len(s.NotAction) > 0 || len(s.NotResource) > 0 || !s.matches(req) {
				continue
			}
			switch s.Effect {
			case "Deny":
				return false
			case "Allow":
				allowed = true
			}
		}
	}
	return allowed
}

func (s policyStatement) matches(req request) bool {
	if !allows(s.Action, req.action) || !globMatch(s.Resource, req.resource, false) {
		return false
	}
	for op, keys := range s.Condition {
		for k, values := range keys {
			if !conditionHolds(op, lookup(req.context, k), values) {
				return false
			}
		}
	}
	return true
}

// conditionHolds: a single-valued key against the statement's values
// (any may match); a key absent from the request never matches.
func conditionHolds(op string, v *string, values strList) bool {
	if v == nil {
		return false
	}
	switch op {
	case "StringEquals", "ArnEquals":
		for _, x := range values {
			if x == *v {
				return true
			}
		}
	case "StringLike", "ArnLike":
		return globMatch(values, *v, false)
	}
	return false
}

func lookup(ctx map[string]string, key string) *string {
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return &v
		}
	}
	return nil
}

// globMatch matches a value against IAM patterns (* and ? wildcards).
func globMatch(patterns []string, v string, foldCase bool) bool {
	for _, p := range patterns {
		re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(p)) + "$"
		if foldCase {
			re = "(?i)" + re
		}
		if ok, _ := regexp.MatchString(re, v); ok {
			return true
		}
	}
	return false
}
