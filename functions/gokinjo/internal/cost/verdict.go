package cost

import (
	"fmt"
	"math"
	"strings"
)

// Verdicts of an estimate against a budget.
const (
	// VerdictWithin: even at the autoscaling maximum the estimate fits.
	VerdictWithin = "WithinBudget"
	// VerdictOverAtMax: the minimum fits, the autoscaling maximum does not.
	VerdictOverAtMax = "OverBudgetAtMax"
	// VerdictOver: even the minimum exceeds the budget.
	VerdictOver = "OverBudget"
)

// Judgement is an estimate judged against a monthly budget.
type Judgement struct {
	Verdict string
	// Within is true when the estimate's maximum fits the budget.
	Within   bool
	Min, Max float64
	Budget   int
	// Top names the biggest contributors, biggest first.
	Top []string
}

// Judge compares the estimate with the budget in USD per month.
func Judge(e Estimate, budget int) Judgement {
	lo, hi := e.Total()
	j := Judgement{Min: lo, Max: hi, Budget: budget}
	switch b := float64(budget); {
	case hi <= b:
		j.Verdict, j.Within = VerdictWithin, true
	case lo <= b:
		j.Verdict = VerdictOverAtMax
	default:
		j.Verdict = VerdictOver
	}
	for _, i := range e.Top(3) {
		j.Top = append(j.Top, fmt.Sprintf("%s %s %s", i.Layer, i.Name, Range(i.Min, i.Max)))
	}
	return j
}

// Message is the one-line explanation of a judgement.
func (j Judgement) Message() string {
	if j.Within {
		return fmt.Sprintf("estimated %s USD/month fits the budget of %d USD", Range(j.Min, j.Max), j.Budget)
	}
	return fmt.Sprintf("estimated %s USD/month exceeds the budget of %d USD (%s); biggest contributors: %s",
		Range(j.Min, j.Max), j.Budget, j.Verdict, strings.Join(j.Top, "; "))
}

// USD rounds a monthly amount to whole dollars.
func USD(v float64) int { return int(math.Round(v)) }

// Range prints lo-hi in whole dollars, or one figure when they are equal.
func Range(lo, hi float64) string {
	if USD(lo) == USD(hi) {
		return fmt.Sprintf("%d", USD(lo))
	}
	return fmt.Sprintf("%d-%d", USD(lo), USD(hi))
}
