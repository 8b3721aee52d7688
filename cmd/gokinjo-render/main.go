// Command gokinjo-render renders an Environment claim into every resource it
// leads to (make render), and regenerates the observed-resource fixtures of
// the later lifecycle stages (make fixtures). It starts the function itself
// and stops it when done.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/alecthomas/kong"

	"github.com/gokinjo/platform/internal/rendertree"
)

type common struct {
	Crossplane string `default:"bin/crossplane"                     help:"The crossplane CLI."`
	Function   string `default:"_output/bin/function-gokinjo"       help:"The function binary, started locally."`
	APIs       string `default:"apis"                               help:"Folder of XRDs and compositions."`
	Functions  string `default:"examples/render/functions.yaml"     help:"Functions file with the Development runtime annotations."`
	Fixtures   string `default:"examples/observed"                  help:"Folder of observed fixtures, <env>/<stage>/<kind>.yaml."`
}

func (c *common) renderer(ctx context.Context) (*rendertree.Renderer, func(), error) {
	fn, err := rendertree.StartFunction(ctx, c.Function)
	if err != nil {
		return nil, nil, err
	}
	work, err := os.MkdirTemp("", "gokinjo-render-")
	if err != nil {
		fn.Stop()
		return nil, nil, err
	}
	r := &rendertree.Renderer{CLI: c.Crossplane, APIs: c.APIs, Functions: c.Functions, Target: fn.Addr, Work: work}
	return r, func() { fn.Stop(); _ = os.RemoveAll(work) }, nil
}

type renderCmd struct {
	common
	Claim string `arg:""             help:"The Environment claim to render." type:"existingfile"`
	Stage string `default:"initial"  help:"Lifecycle stage: initial, network, cluster or ready."`
}

func (c *renderCmd) Run() error {
	ctx := context.Background()
	stage, err := rendertree.StageNamed(c.Stage)
	if err != nil {
		return err
	}
	claim, err := rendertree.ReadObject(c.Claim)
	if err != nil {
		return err
	}
	fx, err := rendertree.ReadFixtures(rendertree.FixtureDir(c.Fixtures, envOf(claim.Object), stage.Name))
	if err != nil {
		return err
	}
	r, stop, err := c.renderer(ctx)
	if err != nil {
		return err
	}
	defer stop()
	out, err := r.Tree(ctx, claim, fx)
	if err != nil {
		return err
	}
	b, err := rendertree.MarshalYAML(out)
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(b)
	return err
}

type fixturesCmd struct {
	common
	Claims []string `arg:"" help:"Environment claims." type:"existingfile"`
}

func (c *fixturesCmd) Run() error {
	ctx := context.Background()
	r, stop, err := c.renderer(ctx)
	if err != nil {
		return err
	}
	defer stop()
	for _, path := range c.Claims {
		claim, err := rendertree.ReadObject(path)
		if err != nil {
			return err
		}
		env := envOf(claim.Object)
		for _, stage := range rendertree.Stages {
			if len(stage.Ready) == 0 {
				continue
			}
			fx, err := r.Fixtures(ctx, claim, stage.ReadySet())
			if err != nil {
				return fmt.Errorf("%s at stage %s: %w", path, stage.Name, err)
			}
			dir := rendertree.FixtureDir(c.Fixtures, env, stage.Name)
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
			if err := rendertree.WriteFixtures(dir, fx); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "wrote %s\n", filepath.Clean(dir))
		}
	}
	return nil
}

func envOf(claim map[string]any) string {
	spec, _ := claim["spec"].(map[string]any)
	params, _ := spec["parameters"].(map[string]any)
	env, _ := params["environment"].(string)
	return env
}

func main() {
	var cli struct {
		Render   renderCmd   `cmd:"" help:"Render a claim and every nested XR into one YAML stream."`
		Fixtures fixturesCmd `cmd:"" help:"Regenerate observed fixtures with the AWS simulator."`
	}
	ctx := kong.Parse(&cli, kong.Description("Render gokinjo environments with crossplane render."))
	ctx.FatalIfErrorf(ctx.Run())
}
