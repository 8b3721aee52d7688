package cluster

import "encoding/json"

// policyDocument is an IAM policy document. Built from structs and
// marshalled by encoding/json (which sorts map keys), so the JSON the
// function emits is byte-stable across reconciles.
type policyDocument struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

type statement struct {
	Sid       string                    `json:"Sid,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]string         `json:"Principal,omitempty"`
	Action    []string                  `json:"Action"`
	Resource  []string                  `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

func document(st ...statement) string {
	b, err := json.Marshal(policyDocument{Version: "2012-10-17", Statement: st})
	if err != nil {
		// Only strings and maps of strings: cannot fail.
		panic(err)
	}
	return string(b)
}

func allow(actions []string, resources ...string) statement {
	return statement{Effect: "Allow", Action: actions, Resource: resources}
}

// serviceTrust lets an AWS service assume a role.
func serviceTrust(service string) string {
	return document(statement{
		Effect:    "Allow",
		Principal: map[string]string{"Service": service},
		Action:    []string{"sts:AssumeRole"},
	})
}
