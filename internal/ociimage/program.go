package ociimage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Program is a runtime image around one Go main package: what each service's
// internal/image declares and the function's package build uses.
type Program struct {
	// Spec is the image around the binary.
	Spec Spec
	// Package is the main package: an import path, or a ./path relative to
	// Target.Dir.
	Package string
	// MaxBytes is the image tarball's size budget; 0 means none.
	MaxBytes int64
}

// Target is one build of a Program.
type Target struct {
	// Go is the go command.
	Go string
	// Dir is where go build runs ("" for the current directory).
	Dir string
	// Arch is the GOARCH.
	Arch string
	// Tag is the image reference recorded in the tarball.
	Tag string
	// Out is the image tarball's path.
	Out string
	// Binary, if set, is where the compiled binary is kept (tests run it);
	// otherwise it goes to a temporary directory, removed afterwards.
	Binary string
}

// Result is what a build reports.
type Result struct {
	// Digest is the image's manifest digest.
	Digest string
	// Size is the image tarball's size in bytes.
	Size int64
	// BinarySize is the compiled binary's size in bytes.
	BinarySize int64
}

// Make compiles the program for t.Arch, builds its image and saves it at
// t.Out, failing when the tarball is over p.MaxBytes.
func (p Program) Make(ctx context.Context, t Target) (Result, error) {
	bin := t.Binary
	if bin == "" {
		tmp, err := os.MkdirTemp("", "ociimage-")
		if err != nil {
			return Result{}, fmt.Errorf("temp dir: %w", err)
		}
		defer os.RemoveAll(tmp) // Scratch space.
		bin = filepath.Join(tmp, filepath.Base(p.Spec.Path))
	}
	if err := GoBuild(ctx, t.Go, t.Dir, p.Package, bin, t.Arch); err != nil {
		return Result{}, err
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		return Result{}, fmt.Errorf("read binary: %w", err)
	}
	img, err := Build(p.Spec, b, t.Arch)
	if err != nil {
		return Result{}, err
	}
	digest, size, err := Save(img, t.Tag, t.Out)
	if err != nil {
		return Result{}, err
	}
	if p.MaxBytes > 0 && size > p.MaxBytes {
		return Result{}, fmt.Errorf("%s is %d bytes, over the %d byte budget", t.Out, size, p.MaxBytes)
	}
	return Result{Digest: digest, Size: size, BinarySize: int64(len(b))}, nil
}

// Service is the Program of the app service under services/<name>: its main
// package cmd/<name> as /<name>, titled gokinjo-<name>, listening on port
// (exposed, and PORT in its environment), its tarball within maxBytes.
func Service(name string, port int, maxBytes int64) Program {
	return Program{
		Spec: Spec{
			Path:   "/" + name,
			Title:  "gokinjo-" + name,
			Ports:  []string{fmt.Sprintf("%d/tcp", port)},
			Env:    []string{fmt.Sprintf("PORT=%d", port)},
			Source: "https://github.com/gokinjo/platform/tree/main/services/" + name,
		},
		Package:  "github.com/gokinjo/platform/services/" + name + "/cmd/" + name,
		MaxBytes: maxBytes,
	}
}
