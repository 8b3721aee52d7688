package awssim

import "github.com/gokinjo/platform/internal/facts"

// Facts are what the simulator's rules check against: the same data files
// the functions read (internal/facts), so the simulator and the package can
// never disagree about what AWS offers. Tests set their own values where a
// rule needs a fact the data files do not hold yet.
type Facts struct {
	Regions facts.RegionFacts
	RDS     facts.RDSFacts
	EKS     facts.EKSFacts
	Charts  facts.ChartFacts
	IAM     facts.IAMFacts
	Limits  facts.LimitFacts
}

// DefaultFacts are the package's facts (internal/facts/data).
func DefaultFacts() Facts {
	return Facts{Regions: facts.Regions, RDS: facts.RDS, EKS: facts.EKS, Charts: facts.Charts, IAM: facts.IAM, Limits: facts.Limits}
}
