// Package facts holds every AWS, provider, chart and controller fact the
// package relies on (versions, support windows, zones, instance types, chart
// values, controller IAM actions, name limits), as data with a source and the
// date it was checked. The functions, the XRD allow-lists, the cost model and
// the AWS simulator all read these facts, so a bump is a one-place change and
// a stale fact shows in one diff. docs/aws-facts.md explains each file.
//
// One data file per area under data/, one Go file per area here declaring its
// shape and loading it once.
package facts

import (
	"embed"
	"fmt"

	"sigs.k8s.io/yaml"
)

//go:embed data
var data embed.FS

// Source says where a fact was checked and when, so a reader can check it again.
type Source struct {
	// URL (or repository@version:path) the fact was read from.
	URL string `json:"url"`
	// Checked is the date (YYYY-MM-DD) the fact was last checked there.
	Checked string `json:"checked"`
	// Note says what exactly was read, where that is not obvious.
	Note string `json:"note,omitempty"`
}

// mustLoad decodes one data file strictly (an unknown or misspelt key is an
// error, not a silently missing fact). It panics: the files are embedded, so a
// broken one is a build defect that TestLoad catches before anything ships.
func mustLoad[T any](file string) T {
	var out T
	b, err := data.ReadFile("data/" + file)
	if err != nil {
		panic(fmt.Sprintf("facts: cannot read %s: %v", file, err))
	}
	if err := yaml.UnmarshalStrict(b, &out); err != nil {
		panic(fmt.Sprintf("facts: cannot decode %s: %v", file, err))
	}
	return out
}
