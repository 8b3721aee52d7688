package facts

import (
	"regexp"
	"testing"
)

func TestLimits(t *testing.T) {
	for _, k := range []string{"s3Bucket", "rdsIdentifier", "iamRole", "iamInlinePolicy", "eksCluster", "eksNodeGroup", "budget", "logGroup", "ecrRepository"} {
		if _, ok := Limits.Names[k]; !ok {
			t.Errorf("limits.yaml has no %s", k)
		}
	}
	for k, l := range Limits.Names {
		checkSource(t, "limits "+k, l.Source)
		if l.Min < 1 || l.Max < l.Min {
			t.Errorf("%s: bad range %d-%d", k, l.Min, l.Max)
		}
		if l.Rule == "" {
			t.Errorf("%s: say the rule in words", k)
		}
		if _, err := regexp.Compile(l.Pattern); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	for k, q := range Limits.Quotas {
		checkSource(t, "quota "+k, q.Source)
		if q.Default < 1 {
			t.Errorf("quota %s: default %d", k, q.Default)
		}
	}
	if _, ok := Limits.Quotas["elasticIPsPerRegion"]; !ok {
		t.Error("limits.yaml has no quotas.elasticIPsPerRegion")
	}
}
