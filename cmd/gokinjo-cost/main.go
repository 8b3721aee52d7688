// Command gokinjo-cost prints the estimated monthly AWS cost of every
// example environment claim against its budget (make cost). The work is in
// functions/gokinjo/costreport, beside the function, so it resolves presets
// with the function's own packages.
package main

import (
	"fmt"
	"os"

	"github.com/alecthomas/kong"

	"github.com/gokinjo/platform/functions/gokinjo/costreport"
)

type cli struct {
	Claims []string `arg:"" optional:"" help:"Environment claims to price (default: examples/claims/*.yaml)." type:"existingfile"`
	Items  bool     `help:"Also list every priced item of each environment."`
}

func main() {
	var c cli
	kong.Parse(&c, kong.Description("Estimated monthly AWS cost of Environment claims, against their budgets."))
	if err := costreport.Print(os.Stdout, costreport.Options{Claims: c.Claims, Items: c.Items}); err != nil {
		fmt.Fprintln(os.Stderr, "gokinjo-cost:", err)
		os.Exit(1)
	}
}
