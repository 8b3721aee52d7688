package environment

import (
	"context"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func TestClusterParameters(t *testing.T) {
	// The test XR has no claim labels: its identity is its own name.
	id := naming.Identity{XRName: "gokinjo-abcde", Region: "ap-northeast-1"}
	devPrefix, prodPrefix := naming.NewPrefix("dev", id), naming.NewPrefix("prod", id)
	type want struct {
		params map[string]any
		err    string
	}
	cases := map[string]struct {
		reason string
		params map[string]any
		want   want
	}{
		"DevPreset": {
			reason: "With no overrides the XCluster gets the dev preset and package defaults.",
			params: map[string]any{"environment": "dev", "region": "ap-northeast-1", "providerConfigName": "default"},
			want: want{params: map[string]any{
				"environmentId": "gokinjo-abcde", "environment": "dev", "region": "ap-northeast-1", "providerConfigName": "default",
				"namePrefix": devPrefix, "name": devPrefix, "version": "1.35", "supportType": "STANDARD", "logRetentionDays": float64(7),
				"accessEntries": false, "appNamespace": "gokinjo-dev", "buckets": map[string]any{"raw": "gokinjo-raw-dev-" + id.Hash(), "processed": "gokinjo-processed-dev-" + id.Hash(), "curated": "gokinjo-curated-dev-" + id.Hash()},
				"bucketEncryption": "AES256",
				"nodeGroups": []any{
					map[string]any{"name": "general", "instanceType": "t3.medium", "minSize": float64(2), "maxSize": float64(5), "desiredSize": float64(2)},
					map[string]any{"name": "compute", "instanceType": "c5.xlarge", "minSize": float64(0), "maxSize": float64(2), "desiredSize": float64(0)},
				},
			}},
		},
		"ProdOverrides": {
			reason: "Claim overrides win field by field over the prod preset; an admin principal turns access entries on.",
			params: map[string]any{"environment": "prod", "region": "ap-northeast-1", "cluster": map[string]any{
				"version":           "1.34",
				"publicAccessCidrs": []any{"203.0.113.0/24"},
				"adminPrincipalArn": "arn:aws:iam::123456789012:role/platform-admin",
				"nodeGroups": map[string]any{
					"general": map[string]any{"maxSize": 10},
					"compute": map[string]any{"instanceType": "c6i.xlarge"},
				},
			}},
			want: want{params: map[string]any{
				"environmentId": "gokinjo-abcde", "environment": "prod", "region": "ap-northeast-1", "providerConfigName": "default",
				"namePrefix": prodPrefix, "name": prodPrefix, "version": "1.34", "supportType": "STANDARD", "logRetentionDays": float64(90), "publicAccessCidrs": []any{"203.0.113.0/24"},
				"adminPrincipalArn": "arn:aws:iam::123456789012:role/platform-admin",
				"accessEntries":     true, "appNamespace": "gokinjo-prod", "buckets": map[string]any{"raw": "gokinjo-raw-prod-" + id.Hash(), "processed": "gokinjo-processed-prod-" + id.Hash(), "curated": "gokinjo-curated-prod-" + id.Hash()},
				"bucketEncryption": "AES256",
				"nodeGroups": []any{
					map[string]any{"name": "general", "instanceType": "t3.large", "minSize": float64(2), "maxSize": float64(10), "desiredSize": float64(2)},
					map[string]any{"name": "compute", "instanceType": "c6i.xlarge", "minSize": float64(2), "maxSize": float64(4), "desiredSize": float64(2)},
				},
			}},
		},
		"KMSDataLake": {
			reason: "The data lake's aws:kms reaches the XCluster, whose app roles then get the KMS actions S3 calls for them.",
			params: map[string]any{"environment": "dev", "region": "ap-northeast-1", "providerConfigName": "default", "dataLake": map[string]any{"encryption": "aws:kms"}},
			want: want{params: map[string]any{
				"environmentId": "gokinjo-abcde", "environment": "dev", "region": "ap-northeast-1", "providerConfigName": "default",
				"namePrefix": devPrefix, "name": devPrefix, "version": "1.35", "supportType": "STANDARD", "logRetentionDays": float64(7),
				"accessEntries": false, "appNamespace": "gokinjo-dev", "buckets": map[string]any{"raw": "gokinjo-raw-dev-" + id.Hash(), "processed": "gokinjo-processed-dev-" + id.Hash(), "curated": "gokinjo-curated-dev-" + id.Hash()},
				"bucketEncryption": "aws:kms",
				"nodeGroups": []any{
					map[string]any{"name": "general", "instanceType": "t3.medium", "minSize": float64(2), "maxSize": float64(5), "desiredSize": float64(2)},
					map[string]any{"name": "compute", "instanceType": "c5.xlarge", "minSize": float64(0), "maxSize": float64(2), "desiredSize": float64(0)},
				},
			}},
		},
		"MaxBelowPresetMin": {
			reason: "An override the XRD cannot judge alone (maxSize below the preset's minSize) fails naming the claim's field.",
			params: map[string]any{"environment": "prod", "region": "ap-northeast-1", "cluster": map[string]any{
				"nodeGroups": map[string]any{"general": map[string]any{"maxSize": 1}},
			}},
			want: want{err: "spec.parameters.cluster.nodeGroups.general.minSize: Invalid value: 2: above maxSize 1: lower minSize or raise maxSize"},
		},
		"AccessEntriesWithoutPrincipal": {
			reason: "Access entries without an admin principal fail naming the claim's field.",
			params: map[string]any{"environment": "staging", "region": "ap-northeast-1", "cluster": map[string]any{"accessEntries": true}},
			want:   want{err: "spec.parameters.cluster.adminPrincipalArn: Required value: access entries are asked for but no admin principal ARN is given: set adminPrincipalArn or accessEntries: false"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr, _ := environmentXR(t, tc.params, nil)
			s := compose.NewState(nil)
			err := (Layer{}).Compose(context.Background(), xr, s)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tc.want.err, gotErr); diff != "" {
				t.Fatalf("%s\nCompose(): -want error, +got error:\n%s", tc.reason, diff)
			}
			if err != nil {
				return
			}
			d, ok := s.Desired()[compCluster]
			if !ok {
				t.Fatalf("%s\nno XCluster composed; have %v", tc.reason, s.Names())
			}
			if d.Resource.GetKind() != v1alpha1.KindCluster {
				t.Errorf("composed %s, want %s", d.Resource.GetKind(), v1alpha1.KindCluster)
			}
			got, _ := d.Resource.GetValue("spec.parameters")
			if diff := cmp.Diff(tc.want.params, got); diff != "" {
				t.Errorf("%s\nXCluster spec.parameters: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestClusterStatusSurfaced(t *testing.T) {
	xc := composed.New()
	xc.SetUnstructuredContent(map[string]any{
		"apiVersion": v1alpha1.APIVersion,
		"kind":       v1alpha1.KindCluster,
		"metadata":   map[string]any{"name": "gokinjo-abcde-x"},
		"status": map[string]any{
			"endpoint":   "https://ABC.gr7.ap-northeast-1.eks.amazonaws.com",
			"oidcIssuer": "https://oidc.eks.ap-northeast-1.amazonaws.com/id/ABC",
			"conditions": []any{map[string]any{"type": "Ready", "status": "True"}},
		},
	})
	observed := map[resource.Name]resource.ObservedComposed{compCluster: {Resource: xc}}
	xr, dxr := environmentXR(t, map[string]any{"environment": "dev", "region": "ap-northeast-1"}, nil)
	if err := (Layer{}).Compose(context.Background(), xr, compose.NewState(observed)); err != nil {
		t.Fatal(err)
	}
	got, err := dxr.GetValue("status.cluster")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"endpoint":   "https://ABC.gr7.ap-northeast-1.eks.amazonaws.com",
		"oidcIssuer": "https://oidc.eks.ap-northeast-1.amazonaws.com/id/ABC",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Environment status.cluster: -want, +got:\n%s", diff)
	}
}

// TestAllClaimErrorsAtOnce: bad fields in several layers of one claim are
// reported together, each at the claim's own path (the budget beside the
// data lake, not inside it), so one Fatal tells the user everything to fix.
func TestAllClaimErrorsAtOnce(t *testing.T) {
	xr, _ := environmentXR(t, map[string]any{"environment": "prod", "region": "ap-northeast-1",
		"cluster":  map[string]any{"nodeGroups": map[string]any{"general": map[string]any{"maxSize": 1}}},
		"database": map[string]any{"allocatedStorage": 60000},
		"budget":   map[string]any{"alertEmail": "nobody"},
	}, nil)
	s := compose.NewState(nil)
	err := (Layer{}).Compose(context.Background(), xr, s)
	if err == nil {
		t.Fatal("Compose(): want an error naming every bad field, got none")
	}
	for _, want := range []string{
		"spec.parameters.cluster.nodeGroups.general.minSize: Invalid value: 2: above maxSize 1",
		"spec.parameters.database.allocatedStorage: Invalid value: 60000: 60000 GiB leaves no room for storage autoscaling",
		`spec.parameters.budget.alertEmail: Invalid value: "nobody": not a plain e-mail address`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Compose(): want the error to contain %q, got %v", want, err)
		}
	}
	if len(s.Desired()) != 0 {
		t.Errorf("Compose() returned an error with %d desired resources; want none", len(s.Desired()))
	}
}
