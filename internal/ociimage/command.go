package ociimage

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Command is a service's imagebuild command: the Makefiles and
// internal/release run it as `go run ./services/<svc>/cmd/imagebuild -go GO
// -o OUT -tag TAG`, so its flags and output line are an interface.
type Command struct {
	// Program is the image the command builds.
	Program Program
	// Out and Tag are the defaults of -o and -tag.
	Out, Tag string
	// Preflight, if set, runs before compiling, to fail early on a binary
	// that would refuse to start.
	Preflight func() error
}

// Main runs the command with the process's arguments and exits like the flag
// package does: 2 on bad flags, 1 when the build fails.
func (c Command) Main() {
	err := c.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	var usage usageError
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.As(err, &usage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "imagebuild:", err)
		os.Exit(1)
	}
}

// Run parses args (-o, -tag, -arch, -go), builds the image and prints one
// line: the tarball, tag, digest and sizes.
func (c Command) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("imagebuild", flag.ContinueOnError)
	fs.SetOutput(stderr)
	t := Target{}
	fs.StringVar(&t.Out, "o", c.Out, "output image tarball")
	fs.StringVar(&t.Tag, "tag", c.Tag, "image reference recorded in the tarball")
	fs.StringVar(&t.Arch, "arch", "amd64", "target GOARCH")
	fs.StringVar(&t.Go, "go", "go", "go command used to compile")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if c.Preflight != nil {
		if err := c.Preflight(); err != nil {
			return err
		}
	}
	r, err := c.Program.Make(ctx, t)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s: %s %s (%.1f MB, binary %.1f MB)\n", t.Out, t.Tag, r.Digest, float64(r.Size)/(1<<20), float64(r.BinarySize)/(1<<20))
	return err
}

// usageError is a bad command line; the flag set has already printed it.
type usageError struct{ error }
