// Package costreport prints the estimated monthly AWS cost of Environment
// claims against their budgets, for cmd/gokinjo-cost (make cost). It lives
// beside the function so that it can resolve each claim with the function's
// own internal packages (environment.Resolve, the cost model and its
// prices.yaml): the table is what status.cost of the Environment will say.
package costreport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"sigs.k8s.io/yaml"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cost"
	"github.com/gokinjo/platform/functions/gokinjo/internal/environment"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Options of a report.
type Options struct {
	// Claims are claim files; empty means examples/claims/*.yaml.
	Claims []string
	// Items lists every priced item of each environment too.
	Items bool
}

// row is one claim's estimate.
type row struct {
	file string
	env  string
	est  cost.Estimate
	j    cost.Judgement
	enf  bool
}

// Print writes the cost table of the claims to w.
func Print(w io.Writer, c Options) error {
	files := c.Claims
	if len(files) == 0 {
		var err error
		if files, err = filepath.Glob("examples/claims/*.yaml"); err != nil {
			return err
		}
		if len(files) == 0 {
			return fmt.Errorf("no claims in examples/claims: run it from the repository root, or name claim files")
		}
	}
	files = append([]string(nil), files...)
	sort.SliceStable(files, func(a, b int) bool { return envOrder(files[a]) < envOrder(files[b]) })
	prices, err := cost.Default()
	if err != nil {
		return err
	}
	var rows []row
	for _, f := range files {
		r, err := estimate(prices, f)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		rows = append(rows, r)
	}
	fmt.Fprintf(w, "Estimated monthly cost, %s on-demand list prices of %s (prices.yaml dated %s)\n\n", prices.Currency, prices.Region, prices.Date)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ENV\tESTIMATE (min-max)\tBUDGET\tVERDICT\tNETWORK\tCLUSTER\tDATABASE\tDATALAKE\tWORKLOADS\tBIGGEST CONTRIBUTOR")
	for _, r := range rows {
		verdict := r.j.Verdict
		if r.enf {
			verdict += " (enforced)"
		}
		if len(r.est.Unpriced) > 0 {
			verdict += " (unpriced: " + strings.Join(r.est.UnpricedNames(), ", ") + ")"
		}
		top := ""
		if t := r.est.Top(1); len(t) > 0 {
			top = t[0].Name + " " + cost.Range(t[0].Min, t[0].Max)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.env, cost.Range(r.j.Min, r.j.Max), r.j.Budget, verdict,
			layer(r.est, cost.LayerNetwork), layer(r.est, cost.LayerCluster), layer(r.est, cost.LayerDatabase), layer(r.est, cost.LayerDataLake), layer(r.est, cost.LayerWorkloads), top)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !c.Items {
		return nil
	}
	for _, r := range rows {
		fmt.Fprintf(w, "\n%s (%s)\n", r.env, r.file)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, i := range r.est.Items {
			fmt.Fprintf(tw, "  %s\t%s\t%.2f\t%.2f\n", i.Layer, i.Name, i.Min, i.Max)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// estimate resolves a claim the way the function resolves its XR and
// prices it.
func estimate(prices *cost.Prices, file string) (row, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return row{}, err
	}
	var claim struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Spec struct {
			Parameters json.RawMessage `json:"parameters"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(b, &claim); err != nil {
		return row{}, err
	}
	var p v1alpha1.EnvironmentParameters
	d := json.NewDecoder(bytes.NewReader(claim.Spec.Parameters))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		return row{}, fmt.Errorf("spec.parameters: %w", err)
	}
	r, err := environment.Resolve(claim.Metadata.Name, p, "")
	if err != nil {
		return row{}, err
	}
	est, err := prices.Estimate(r.CostInput())
	if err != nil {
		return row{}, err
	}
	return row{file: file, env: p.Environment, est: est, j: cost.Judge(est, r.DataLake.Budget.MonthlyLimitUSD), enf: environment.Enforced(p)}, nil
}

func layer(e cost.Estimate, name string) string {
	lo, hi, ok := e.Layer(name)
	if !ok {
		return "-"
	}
	return cost.Range(lo, hi)
}

// envOrder sorts dev, staging, prod first, the rest after by name.
func envOrder(file string) string {
	switch strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)) {
	case v1alpha1.EnvDev:
		return "0"
	case v1alpha1.EnvStaging:
		return "1"
	case v1alpha1.EnvProd:
		return "2"
	}
	return "3" + file
}
