package cost_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cost"
)

// TestPricesSourced: every price in prices.yaml is dated and sourced in the
// same file, and every source names a price that exists.
func TestPricesSourced(t *testing.T) {
	p, err := cost.Default()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]any
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	var prices []string
	for section, v := range all {
		fields, ok := v.(map[string]any)
		if !ok || section == "assumptions" || section == "sources" {
			continue
		}
		for name := range fields {
			prices = append(prices, section+"."+name)
		}
	}
	var sourced []string
	for path, s := range p.Sources {
		sourced = append(sourced, path)
		if !strings.HasPrefix(s.URL, "https://") || s.Note == "" {
			t.Errorf("sources.%s: needs an https URL and a note saying what confirmed the figure (or that nothing did)", path)
		}
		if _, err := time.Parse(time.DateOnly, s.Checked); err != nil {
			t.Errorf("sources.%s: checked %q is not a date", path, s.Checked)
		}
	}
	sort.Strings(prices)
	sort.Strings(sourced)
	if diff := cmp.Diff(prices, sourced); diff != "" {
		t.Errorf("every price needs exactly one source in prices.yaml: -prices, +sources:\n%s", diff)
	}
}
