package awssim

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// storageVersion is the API version whose generated resolvers the table was
// read from (the version the function composes).
var storageVersion = map[string]string{"ec2.aws.upbound.io/Route": "v1beta2", "rds.aws.upbound.io/Instance": "v1beta2"}

var extractorSource = map[extractor]*regexp.Regexp{
	extExternalName:  regexp.MustCompile(`^reference\.ExternalName\(\)`),
	extID:            regexp.MustCompile(`^(resource\.ExtractResourceID|common\.TerraformID)\(\)`),
	extARN:           regexp.MustCompile(`^common\.ARNExtractor\(\)`),
	extIdentifier:    regexp.MustCompile(`^resource\.ExtractParamPath\("identifier", false\)`),
	extClusterActive: regexp.MustCompile(`^ExternalNameIfClusterActive\(\)`),
	extParamARN:      regexp.MustCompile(`^resource\.ExtractParamPath\("arn", true\)`),
}

// TestReferenceTableMatchesProvider checks every entry of refTable against
// provider-aws v1.23.0's generated resolvers in the module cache: the same
// field resolves to the same kind with the same extractor.
func TestReferenceTableMatchesProvider(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/upbound/provider-aws").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("provider-aws module not in the module cache: %v", err)
	}
	call := regexp.MustCompile(`(?s)GetManagedResource\("([^"]+)", "[^"]+", "([^"]+)".*?CurrentValues?:\s+([^\n]+)\n\s*Extract:\s+([^\n]+)`)
	for k, fields := range refTable {
		group := strings.TrimSuffix(k.Group, ".aws.upbound.io")
		version := storageVersion[k.Group+"/"+k.Kind]
		if version == "" {
			version = "v1beta1"
		}
		src, err := os.ReadFile(filepath.Join(dir, "apis", group, version, "zz_generated.resolvers.go"))
		if err != nil {
			t.Errorf("%s: %v", k, err)
			continue
		}
		fn := regexp.MustCompile(`(?s)func \(mg \*` + k.Kind + `\) ResolveReferences\(.*?\n}\n`).Find(src)
		for _, f := range fields {
			found := false
			for _, m := range call.FindAllSubmatch(fn, -1) {
				v := strings.TrimRight(string(m[3]), "),")
				if !strings.HasSuffix(v, "mg.Spec.ForProvider."+f.goPath) {
					continue
				}
				found = true
				if string(m[1]) != f.target.Group || string(m[2]) != f.target.Kind {
					t.Errorf("%s %s: the provider resolves it to %s/%s, the table says %s", k.Kind, f.goPath, m[1], m[2], f.target)
				}
				if !extractorSource[f.ext].Match(m[4]) {
					t.Errorf("%s %s: the provider extracts with %s", k.Kind, f.goPath, m[4])
				}
			}
			if !found {
				t.Errorf("%s %s: no such reference in provider-aws %s/%s resolvers", k.Kind, f.goPath, group, version)
			}
		}
	}
}
