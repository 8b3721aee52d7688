//go:build tools

// Package tools pins the Crossplane CLI (crank). It is its own module so the
// CLI's dependency versions never leak into the main go.mod.
package tools

import _ "github.com/crossplane/crossplane/v2/cmd/crank"
