package datalake

import (
	"strconv"

	budgets "github.com/upbound/provider-aws/apis/budgets/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/internal/facts"
)

const compBudget = "budget"

// BudgetThresholds are the alert levels, in percent of the monthly limit of
// actual spend.
var BudgetThresholds = []float64{80, 100}

// budget composes the environment's monthly cost budget, filtered by the
// EnvironmentId cost allocation tag: every AWS resource of the environment
// carries it, and so do its node instances and volumes (the node groups'
// launch templates tag them; EKS does not copy a node group's tags). The
// Environment tag is shared by every claim of one kind in an account, so a
// filter on it would count another dev claim's spend too. Cost allocation
// tags must be activated once per account (facts.Billing; provider-aws has
// no resource for it): docs/database-layer.md.
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
				Values: []*string{mr.Str(facts.Billing.TagKeyValue(naming.TagEnvironmentID, naming.EnvironmentID(o)))},
			}},
			Notification: notes,
			Tags:         d.tags(name),
		},
	}}
	b.SetAnnotations(externalName(name))
	return d.s.Add(compBudget, b, d.labels(compBudget))
}
