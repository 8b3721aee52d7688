//go:build tools

// Package tools pins staticcheck, the linter make lint runs over every Go
// package. Its own module keeps its dependency versions out of the main
// go.mod.
package tools

import _ "honnef.co/go/tools/cmd/staticcheck"
