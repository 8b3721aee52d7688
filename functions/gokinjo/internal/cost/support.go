package cost

import (
	"time"

	"github.com/gokinjo/platform/internal/facts"
)

// Today is the date support windows are judged at; tests replace it.
var Today = func() time.Time { return time.Now().UTC() }

// extendedSupport reports whether a Kubernetes version is past its EKS
// standard support end on day, so its control plane is billed at the
// extended-support rate. A version without a known end date is priced at the
// standard rate (the facts say when that changes).
func extendedSupport(version string, day time.Time) bool {
	v, ok := facts.EKS.Version(version)
	if !ok || v.StandardSupportEnd == "" {
		return false
	}
	end, err := time.Parse(time.DateOnly, v.StandardSupportEnd)
	if err != nil {
		return false
	}
	return day.After(end)
}
