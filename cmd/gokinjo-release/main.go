// Command gokinjo-release builds the app images once and moves them through
// the environments' ECR repositories by digest (make images, make
// release-app, make promote-app; docs/operations.md walks through a release):
//
//	gokinjo-release images  --version v0.2.0
//	gokinjo-release push    --env dev --version v0.2.0
//	gokinjo-release promote --from dev --to staging --version v0.2.0
//	gokinjo-release bump examples/claims/dev.yaml --version v0.2.0
//
// The repositories are read from each environment's claim
// (status.dataLake.repositories) with kubectl, or given with --repository
// app=URL. Credentials: the Docker config, then the ECR credential helper
// with the caller's AWS credentials.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/alecthomas/kong"

	"github.com/gokinjo/platform/internal/release"
)

// source says where an environment's repositories come from.
type source struct {
	Kubectl string `default:"kubectl" help:"kubectl of the management cluster (current context)."`
	Claim   string `default:"gokinjo" help:"Name of the Environment claim in namespace gokinjo-<env>."`
}

func (s source) repositories(ctx context.Context, env string, given map[string]string) (map[string]string, error) {
	if len(given) > 0 {
		return given, nil
	}
	return release.ClaimRepositories(ctx, s.Kubectl, "gokinjo-"+env, s.Claim)
}

type imagesCmd struct {
	Version string `required:"" help:"Version (image tag) of the release."`
	Out     string `default:"_output/images" help:"Directory of the image tarballs."`
	Go      string `default:"go" help:"go command."`
}

func (c *imagesCmd) Run(ctx context.Context) error {
	imgs, err := release.Build(ctx, ".", c.Go, c.Out, c.Version, os.Stderr)
	if err != nil {
		return err
	}
	return report(os.Stdout, imgs)
}

type pushCmd struct {
	source
	Env        string            `required:"" help:"Environment whose repositories receive the images (dev first)."`
	Version    string            `required:"" help:"Version (image tag) to push."`
	Out        string            `default:"_output/images" help:"Directory of the image tarballs (make images)."`
	Repository map[string]string `help:"app=repository URL, instead of reading the claim."`
}

func (c *pushCmd) Run(ctx context.Context) error {
	repos, err := c.repositories(ctx, c.Env, c.Repository)
	if err != nil {
		return err
	}
	imgs, err := release.Push(ctx, c.Out, c.Version, repos, release.Keychain())
	if err != nil {
		return err
	}
	return report(os.Stdout, imgs)
}

type promoteCmd struct {
	source
	From           string            `required:"" help:"Environment the version runs in (dev, staging)."`
	To             string            `required:"" help:"Environment to promote it to (staging, prod)."`
	Version        string            `required:"" help:"Version (image tag) to promote."`
	FromRepository map[string]string `help:"app=repository URL of the source, instead of reading its claim."`
	ToRepository   map[string]string `help:"app=repository URL of the destination, instead of reading its claim."`
}

func (c *promoteCmd) Run(ctx context.Context) error {
	from, err := c.repositories(ctx, c.From, c.FromRepository)
	if err != nil {
		return err
	}
	to, err := c.repositories(ctx, c.To, c.ToRepository)
	if err != nil {
		return err
	}
	imgs, err := release.Promote(ctx, c.Version, from, to, release.Keychain())
	if err != nil {
		return err
	}
	return report(os.Stdout, imgs)
}

type bumpCmd struct {
	Claim   string `arg:"" type:"existingfile" help:"Claim file (examples/claims/<env>.yaml)."`
	Version string `required:"" help:"Version the environment runs from now on."`
}

func (c *bumpCmd) Run() error {
	prev, err := release.Bump(c.Claim, c.Version)
	if err != nil {
		return err
	}
	fmt.Printf("%s: spec.parameters.workloads.version %s -> %s\n", c.Claim, prev, c.Version)
	return nil
}

// report writes one line per image: app, reference, digest.
func report(w io.Writer, imgs []release.Image) error {
	for _, i := range imgs {
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\n", i.App, i.Ref, i.Digest); err != nil {
			return err
		}
	}
	return nil
}

type cli struct {
	Images  imagesCmd  `cmd:"" help:"Build every app image (API, web) reproducibly, without Docker."`
	Push    pushCmd    `cmd:"" help:"Push the built images to an environment's ECR repositories."`
	Promote promoteCmd `cmd:"" help:"Copy a version's images, same digests, from one environment's repositories to another's."`
	Bump    bumpCmd    `cmd:"" help:"Set the version a claim file runs (the one-line change a release or rollback is)."`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var c cli
	k := kong.Parse(&c, kong.Description("Build the gokinjo app images once and promote them by digest."), kong.BindTo(ctx, (*context.Context)(nil)))
	if err := k.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "gokinjo-release:", err)
		os.Exit(1)
	}
}
