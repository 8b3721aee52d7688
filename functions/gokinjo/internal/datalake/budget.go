package datalake

import (
	"strconv"

	budgets "github.com/upbound/provider-aws/apis/budgets/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

const compBudget = "budget"

// BudgetThresholds are the alert levels, in percent of the monthly limit of
// actual spend.
var BudgetThresholds = []float64{80, 100}

// budget composes the environment's monthly cost budget, filtered by the
// Environment cost allocation tag every resource carries (the tag must be
// activated as a cost allocation tag in the billing console once per
// account).
func (d *datalake) budget() error {
	o := d.p.Owner
	name := naming.AWSName(o, "monthly")
	var notes []budgets.NotificationParameters
	for _, t := range BudgetThresholds {
		notes = append(notes, budgets.NotificationParameters{
			ComparisonOperator:       mr.Str("GREATER_THAN"),
			NotificationType:         mr.Str("ACTUAL"),
			Threshold:                mr.Float(t),
			ThresholdType:            mr.Str("PERCENTAGE"),
			SubscriberEmailAddresses: []*string{mr.Str(d.p.Budget.AlertEmail)},
		})
	}
	b := &budgets.Budget{Spec: budgets.BudgetSpec{
		ResourceSpec: mr.Spec(o),
		ForProvider: budgets.BudgetParameters{
			Region:      mr.Str(o.Region),
			BudgetType:  mr.Str("COST"),
			TimeUnit:    mr.Str("MONTHLY"),
			LimitAmount: mr.Str(strconv.Itoa(d.p.Budget.MonthlyLimitUSD)),
			LimitUnit:   mr.Str("USD"),
			CostFilter: []budgets.CostFilterParameters{{
				Name:   mr.Str("TagKeyValue"),
				Values: []*string{mr.Str("user:" + naming.TagEnvironment + "$" + o.Environment)},
			}},
			Notification: notes,
			Tags:         d.tags(name),
		},
	}}
	b.SetAnnotations(externalName(name))
	return d.s.Add(compBudget, b, d.labels(compBudget))
}
