// Package ui is the browser app: its sources (src/, an npm project pinned by
// package-lock.json) and, embedded, its build output in dist/, which
// `make web-assets` produces (npm ci + esbuild) and git ignores.
package ui

import (
	"embed"
	"errors"
	"io/fs"
)

// dist holds the built app. On a fresh checkout it holds only a .gitignore,
// so the module still compiles; Dist then reports the missing build.
//
//go:embed all:dist
var dist embed.FS

// ErrNotBuilt means the binary was compiled before `make web-assets`.
var ErrNotBuilt = errors.New("web assets are not built: run `make web-assets` before go build/test (dist/index.html missing)")

// Dist returns the built app rooted at dist/, or ErrNotBuilt.
func Dist() (fs.FS, error) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil, ErrNotBuilt
	}
	return sub, nil
}
