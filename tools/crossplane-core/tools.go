//go:build tools

// Package tools pins Crossplane core v2.4.0 (cmd/crossplane), the control plane
// of the end-to-end test's local management cluster. The apis/v2 module is a
// separate module upstream and must be required at the same version. It is its
// own module so these dependency versions never leak into the main go.mod.
package tools

import _ "github.com/crossplane/crossplane/v2/cmd/crossplane"
