package cost

import (
	"testing"
	"time"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// TestExtendedSupportPriced proves a version past its standard support end
// (per the EKS facts, here our own test values) is priced at the extended
// rate, and a version in standard support at the standard rate.
func TestExtendedSupportPriced(t *testing.T) {
	saved, savedToday := facts.EKS.Versions, Today
	t.Cleanup(func() { facts.EKS.Versions, Today = saved, savedToday })
	facts.EKS.Versions = []facts.KubernetesVersion{
		{Version: "1.90", StandardSupportEnd: "2026-01-31", ExtendedSupportEnd: "2027-01-31"},
		{Version: "1.91", StandardSupportEnd: "2027-06-30", ExtendedSupportEnd: "2028-06-30"},
		{Version: "1.92"},
	}
	Today = func() time.Time { return time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) }
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	h := p.HoursPerMonth
	cases := map[string]struct {
		version string
		want    float64
	}{
		"PastStandardSupport": {"1.90", p.EKS.ClusterExtendedSupportPerHour * h},
		"InStandardSupport":   {"1.91", p.EKS.ClusterPerHour * h},
		"UnknownEndDate":      {"1.92", p.EKS.ClusterPerHour * h},
	}
	if p.EKS.ClusterExtendedSupportPerHour <= p.EKS.ClusterPerHour {
		t.Fatalf("extended support (%v/h) must cost more than standard (%v/h)", p.EKS.ClusterExtendedSupportPerHour, p.EKS.ClusterPerHour)
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := &Estimate{}
			p.cluster(e, v1alpha1.ClusterParameters{Version: tc.version}, Usage{})
			var got float64
			for _, i := range e.Items {
				if len(i.Name) >= len("EKS control plane") && i.Name[:len("EKS control plane")] == "EKS control plane" {
					got = i.Max
				}
			}
			if !near(got, tc.want) {
				t.Errorf("Kubernetes %s on %s: control plane %.2f USD/month, want %.2f", tc.version, Today().Format(time.DateOnly), got, tc.want)
			}
		})
	}
}

func near(a, b float64) bool { d := a - b; return d < 0.005 && d > -0.005 }
