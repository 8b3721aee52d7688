// Command gokinjo-plan tells what applying an Environment claim would do
// (make plan CLAIM=<file>): per layer the resources to create, update (field
// by field, secrets masked) and delete, every refusal the function would
// give, and the monthly cost before and after. It renders the claim with the
// function itself against the environment as it is: observed fixtures
// (--observed) or the claim's XR tree read from the management cluster.
//
// Exit status: 0 no change, 2 changes, 1 refused or error.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/alecthomas/kong"

	"github.com/gokinjo/platform/internal/plan"
	"github.com/gokinjo/platform/internal/rendertree"
)

type cli struct {
	Claim      string `arg:""                                   help:"The Environment claim as it would be applied." type:"existingfile"`
	Observed   string `help:"Folder of observed fixtures (examples/observed/<env>/<stage>) to plan against, instead of a management cluster." type:"existingdir" xor:"source"`
	Kubeconfig string `help:"Kubeconfig of the management cluster (default: KUBECONFIG or ~/.kube/config, current context)." xor:"source"`
	Context    string `help:"Kubeconfig context (default: the current one)."`
	Output     string `default:"text" enum:"text,json" short:"o" help:"Output: text or json."`

	Crossplane string `default:"bin/crossplane"                 help:"The crossplane CLI."`
	Function   string `default:"_output/bin/function-gokinjo"   help:"The function binary, started locally."`
	APIs       string `default:"apis"                           help:"Folder of XRDs and compositions." name:"apis"` // kong would name it --ap-is.
	Functions  string `default:"examples/render/functions.yaml" help:"Functions file with the Development runtime annotations."`
}

func (c *cli) run(ctx context.Context) (*plan.Plan, error) {
	claim, err := rendertree.ReadObject(c.Claim)
	if err != nil {
		return nil, err
	}
	var observed rendertree.Fixtures
	var xrName string
	if c.Observed != "" {
		observed, err = rendertree.ReadFixtures(c.Observed)
	} else {
		var src *plan.Cluster
		if src, err = plan.NewCluster(c.Kubeconfig, c.Context); err == nil {
			xrName, observed, err = src.Observe(ctx, claim)
		}
	}
	if err != nil {
		return nil, err
	}
	fn, err := rendertree.StartFunction(ctx, c.Function)
	if err != nil {
		return nil, err
	}
	defer fn.Stop()
	work, err := os.MkdirTemp("", "gokinjo-plan-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work) //nolint:errcheck // Scratch space.
	r := &rendertree.Renderer{CLI: c.Crossplane, APIs: c.APIs, Functions: c.Functions, Target: fn.Addr, Work: work}
	return plan.Make(ctx, r, claim, xrName, observed)
}

func main() {
	var c cli
	kong.Parse(&c, kong.Description("What applying an Environment claim would do: changes per layer, refusals, cost before and after.\n"+
		"Exit status: 0 no change, 2 changes, 1 refused or error."))
	p, err := c.run(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "gokinjo-plan:", err)
		os.Exit(1)
	}
	if c.Output == "json" {
		err = p.JSON(os.Stdout)
	} else {
		err = p.Text(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gokinjo-plan:", err)
		os.Exit(1)
	}
	os.Exit(p.ExitCode())
}
