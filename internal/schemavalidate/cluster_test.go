package schemavalidate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClusterClaimAdmission proves that bad cluster overrides are refused
// by the XEnvironment XRD's schema and CEL rules at admission, before the
// function ever sees them. It needs the pinned CLI at bin/crossplane.
func TestClusterClaimAdmission(t *testing.T) {
	cli, err := filepath.Abs("../../bin/crossplane")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cli); err != nil {
		t.Skipf("no crossplane CLI at %s: copy or build it to run this test", cli)
	}
	ctx := context.Background()
	v, err := New(ctx, cli, "../../apis", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		reason string
		file   string
		want   string // in the report; "" means the claim is valid
	}{
		"ValidOverrides": {
			reason: "Every cluster knob set to a good value is accepted.",
			file:   "cluster-good/overrides.yaml",
		},
		"UnsupportedVersion": {
			reason: "Only versions in EKS standard support are accepted.",
			file:   "cluster-bad/unsupported-version.yaml",
			want:   `spec.parameters.cluster.version: Unsupported value: "1.28"`,
		},
		"MinAboveMax": {
			reason: "A node group's minSize may not exceed its maxSize.",
			file:   "cluster-bad/min-above-max.yaml",
			want:   "spec.parameters.cluster.nodeGroups.general: Invalid value: minSize must not exceed maxSize",
		},
		"DesiredOutsideRange": {
			reason: "desiredSize must lie within [minSize, maxSize].",
			file:   "cluster-bad/desired-outside-range.yaml",
			want:   "spec.parameters.cluster.nodeGroups.compute: Invalid value: desiredSize must be within [minSize, maxSize]",
		},
		"BadInstanceType": {
			reason: "Instance types look like family.size.",
			file:   "cluster-bad/bad-instance-type.yaml",
			want:   "spec.parameters.cluster.nodeGroups.general.instanceType: Invalid value: \"T3 Large\"",
		},
		"AccessEntriesWithoutPrincipal": {
			reason: "Access entries need an admin principal ARN.",
			file:   "cluster-bad/access-entries-without-principal.yaml",
			want:   "cluster.adminPrincipalArn is required when cluster.accessEntries is true",
		},
		"BadPublicCIDR": {
			reason: "publicAccessCidrs entries are IPv4 CIDR blocks.",
			file:   "cluster-bad/bad-public-cidr.yaml",
			want:   "publicAccessCidrs entries must be IPv4 CIDR blocks",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := v.Validate(ctx, filepath.Join("testdata", tc.file))
			if tc.want == "" {
				if err != nil {
					t.Errorf("%s\nValidate(%s): %v", tc.reason, tc.file, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("%s\nValidate(%s) accepted the claim; want %q", tc.reason, tc.file, tc.want)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("%s\nValidate(%s) report does not name %q:\n%s", tc.reason, tc.file, tc.want, out)
			}
		})
	}
}
