// Command gokinjo-package builds the function and configuration packages
// (make xpkg) and publishes them with the API image (make publish).
package main

import (
	"context"
	"fmt"

	"github.com/alecthomas/kong"

	"github.com/gokinjo/platform/internal/xpkgbuild"
)

type common struct {
	Crossplane string `default:"bin/crossplane"                  help:"The crossplane CLI."`
	Go         string `default:"go"                              help:"The go command."`
	Out        string `default:"_output/xpkg"                    help:"Where packages are written."`
	Registry   string `default:"ghcr.io/gokinjo"                 help:"Registry (host[:port]/path) to push to; the packages are named for ghcr.io/gokinjo, another registry is a mirror reached through an ImageConfig rewrite."`
	Version    string `default:"v0.1.0"                          help:"Package version."`
}

func (c *common) builder() *xpkgbuild.Builder {
	return &xpkgbuild.Builder{CLI: c.Crossplane, Go: c.Go, Root: ".", Out: c.Out, Registry: c.Registry, Version: c.Version}
}

type buildCmd struct{ common }

func (c *buildCmd) Run() error {
	p, err := c.builder().Build(context.Background())
	if err != nil {
		return err
	}
	for _, f := range append(p.Function, p.Configuration) {
		fmt.Println(f)
	}
	return nil
}

type publishCmd struct {
	common
	APIImage string `help:"API image tarball to push as well (make api-image)."`
}

func (c *publishCmd) Run() error {
	ctx := context.Background()
	b := c.builder()
	p, err := b.Build(ctx)
	if err != nil {
		return err
	}
	r, err := b.Publish(ctx, p, c.APIImage)
	if err != nil {
		return err
	}
	fmt.Println("pushed", r.Function)
	fmt.Println("pushed", r.Configuration)
	if r.APIImage != "" {
		fmt.Println("pushed", r.APIImage)
	}
	fmt.Println("install the configuration as", r.InstallConfiguration, "(examples/management/configuration.yaml);")
	fmt.Println("Crossplane installs its function as the Function", xpkgbuild.FunctionRefName)
	if r.InstallConfiguration != r.Configuration {
		fmt.Printf("pushed to a mirror: apply an ImageConfig rewriting %s/ to %s/ (docs/management-cluster.md)\n", xpkgbuild.DefaultRegistry, c.Registry)
	}
	return nil
}

func main() {
	var cli struct {
		Build   buildCmd   `cmd:"" help:"Build the function (per arch) and configuration packages."`
		Publish publishCmd `cmd:"" help:"Build, then push every package and the API image."`
	}
	ctx := kong.Parse(&cli, kong.Description("Build and publish the gokinjo Crossplane packages."))
	ctx.FatalIfErrorf(ctx.Run())
}
