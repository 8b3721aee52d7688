//go:build tools

// Package tools pins actionlint, which checks the release workflow. Its own
// module keeps its dependency versions out of the main go.mod.
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
