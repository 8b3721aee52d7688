package plan

import (
	"github.com/gokinjo/platform/functions/gokinjo/costreport"
)

// Cost is the monthly estimate before and after the change (USD, the
// function's own cost model), and the lines that differ.
type Cost struct {
	Before []costreport.Line `json:"before,omitempty"`
	After  []costreport.Line `json:"after,omitempty"`
	// BeforeMin..AfterMax are the totals.
	BeforeMin float64 `json:"beforeMin"`
	BeforeMax float64 `json:"beforeMax"`
	AfterMin  float64 `json:"afterMin"`
	AfterMax  float64 `json:"afterMax"`
	// Removed and Added are the lines that differ (a line's name carries its
	// size, so a resize is one removed and one added line).
	Removed []costreport.Line `json:"removed,omitempty"`
	Added   []costreport.Line `json:"added,omitempty"`
}

func (c *Cost) summarise() {
	c.BeforeMin, c.BeforeMax = total(c.Before)
	c.AfterMin, c.AfterMax = total(c.After)
	c.Removed = missingFrom(c.Before, c.After)
	c.Added = missingFrom(c.After, c.Before)
}

// Changed reports whether the estimate changes.
func (c *Cost) Changed() bool { return len(c.Removed)+len(c.Added) > 0 }

func total(lines []costreport.Line) (lo, hi float64) {
	for _, l := range lines {
		lo += l.Min
		hi += l.Max
	}
	return lo, hi
}

// missingFrom lists the lines of a that b does not have (same layer, name and
// amounts, to the cent).
func missingFrom(a, b []costreport.Line) []costreport.Line {
	have := map[costreport.Line]int{}
	for _, l := range b {
		have[cents(l)]++
	}
	var out []costreport.Line
	for _, l := range a {
		if have[cents(l)] > 0 {
			have[cents(l)]--
			continue
		}
		out = append(out, l)
	}
	return out
}

func cents(l costreport.Line) costreport.Line {
	l.Min = float64(int64(l.Min*100+0.5)) / 100
	l.Max = float64(int64(l.Max*100+0.5)) / 100
	return l
}
