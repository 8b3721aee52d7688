package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/gokinjo/platform/functions/gokinjo/costreport"
)

// JSON writes the plan as one JSON document, for bots.
func (p *Plan) JSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(struct {
		*Plan
		Summary string `json:"summary"`
		Exit    int    `json:"exitCode"`
	}{p, p.Summary(), p.ExitCode()})
}

// Summary is the plan's last line.
func (p *Plan) Summary() string {
	var c, u, d int
	for _, l := range p.Layers {
		c, u, d = c+len(l.Create), u+len(l.Update), d+len(l.Delete)
	}
	s := "no changes"
	if c+u+d > 0 {
		s = fmt.Sprintf("%d to create, %d to update, %d to delete", c, u, d)
	}
	if n := len(p.Refusals); n > 0 {
		s += fmt.Sprintf("; %d refused", n)
	}
	return s
}

// Text writes the plan for people: per layer, + create, ~ update (with the
// changed fields), - delete; the refusals; the cost before and after.
func (p *Plan) Text(w io.Writer) error {
	fmt.Fprintf(w, "Plan for Environment %s\n", p.Claim)
	for _, l := range p.Layers {
		fmt.Fprintf(w, "\n%s: %d to create, %d to update, %d to delete\n", l.Name, len(l.Create), len(l.Update), len(l.Delete))
		for _, c := range l.Create {
			fmt.Fprintf(w, "  + %s %q\n", c.Kind, c.Resource)
		}
		for _, c := range l.Update {
			fmt.Fprintf(w, "  ~ %s %q\n", c.Kind, c.Resource)
			for _, f := range c.Fields {
				fmt.Fprintf(w, "      %s: %s -> %s\n", f.Path, show(f.Was), show(f.Will))
			}
		}
		for _, c := range l.Delete {
			fmt.Fprintf(w, "  - %s %q\n", c.Kind, c.Resource)
		}
	}
	if len(p.Refusals) > 0 {
		fmt.Fprintf(w, "\nRefused: the function would keep these layers as they are until the claim changes\n")
		for _, r := range p.Refusals {
			fmt.Fprintf(w, "  ! %s: %s\n", r.Layer, r.Message)
		}
	}
	for _, m := range p.Warnings {
		fmt.Fprintf(w, "\nWarning: %s\n", m)
	}
	fmt.Fprintf(w, "\nMonthly cost (USD, min-max): %s -> %s\n", costreport.Range(p.Cost.BeforeMin, p.Cost.BeforeMax), costreport.Range(p.Cost.AfterMin, p.Cost.AfterMax))
	if p.Cost.Changed() {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		lines(tw, "-", p.Cost.Removed)
		lines(tw, "+", p.Cost.Added)
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "\nPlan: %s.\n", p.Summary())
	return err
}

func lines(w io.Writer, sign string, ls []costreport.Line) {
	for _, l := range ls {
		fmt.Fprintf(w, "  %s %s\t%s\t%s\n", sign, l.Layer, l.Name, costreport.Range(l.Min, l.Max))
	}
}

func show(v any) string {
	if v == nil {
		return "(none)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return strings.ReplaceAll(s, "\n", " ")
}
