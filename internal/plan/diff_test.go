package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDiffSpec(t *testing.T) {
	cases := map[string]struct {
		reason            string
		observed, desired map[string]any
		want              []Field
	}{
		"ProviderFilledFieldIsNoChange": {
			reason:   "A field AWS or the provider filled in and the function does not desire is not a change.",
			observed: map[string]any{"forProvider": map[string]any{"region": "ap-northeast-1", "arn": "arn:x"}},
			desired:  map[string]any{"forProvider": map[string]any{"region": "ap-northeast-1"}},
		},
		"ChangedLeaf": {
			reason:   "A desired value that differs is one field, with its path, old and new value.",
			observed: map[string]any{"forProvider": map[string]any{"scalingConfig": []any{map[string]any{"minSize": int64(2), "maxSize": int64(4)}}}},
			desired:  map[string]any{"forProvider": map[string]any{"scalingConfig": []any{map[string]any{"minSize": int64(3), "maxSize": int64(4)}}}},
			want:     []Field{{Path: "spec.forProvider.scalingConfig[0].minSize", Was: int64(2), Will: int64(3)}},
		},
		"NumbersByValue": {
			reason: "A whole number read from the API server (int64) equals the same number rendered from YAML (float64), also inside list items.",
			observed: map[string]any{"forProvider": map[string]any{"retentionInDays": int64(7),
				"scalingConfig": []any{map[string]any{"minSize": int64(2), "maxSize": int64(5)}}}},
			desired: map[string]any{"forProvider": map[string]any{"retentionInDays": float64(7),
				"scalingConfig": []any{map[string]any{"minSize": float64(2), "maxSize": float64(5)}}}},
		},
		"NumberChangedAcrossTypes": {
			reason:   "A number that changes is one field, whatever the types it is read as.",
			observed: map[string]any{"forProvider": map[string]any{"scalingConfig": []any{map[string]any{"minSize": int64(0), "maxSize": int64(2)}}}},
			desired:  map[string]any{"forProvider": map[string]any{"scalingConfig": []any{map[string]any{"minSize": float64(0), "maxSize": float64(3)}}}},
			want:     []Field{{Path: "spec.forProvider.scalingConfig[0].maxSize", Was: int64(2), Will: float64(3)}},
		},
		"AddedField": {
			reason:   "A field the function starts to desire is a change from nothing.",
			observed: map[string]any{"forProvider": map[string]any{}},
			desired:  map[string]any{"forProvider": map[string]any{"multiAz": true}},
			want:     []Field{{Path: "spec.forProvider.multiAz", Will: true}},
		},
		"RemovedListItem": {
			reason:   "A list item the function no longer desires is a change.",
			observed: map[string]any{"forProvider": map[string]any{"cidrs": []any{"10.0.0.0/8", "192.0.2.0/24"}}},
			desired:  map[string]any{"forProvider": map[string]any{"cidrs": []any{"10.0.0.0/8"}}},
			want:     []Field{{Path: "spec.forProvider.cidrs[1]", Was: "192.0.2.0/24"}},
		},
		"DottedKey": {
			reason:   "Keys with dots (labels, annotations) are quoted.",
			observed: map[string]any{"forProvider": map[string]any{"tags": map[string]any{"a.b/c": "x"}}},
			desired:  map[string]any{"forProvider": map[string]any{"tags": map[string]any{"a.b/c": "y"}}},
			want:     []Field{{Path: `spec.forProvider.tags["a.b/c"]`, Was: "x", Will: "y"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := diffSpec("spec", tc.observed, tc.desired)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\ndiffSpec(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestMask(t *testing.T) {
	cases := map[string]struct {
		reason string
		f      Field
		secret bool
		want   Field
	}{
		"SecretManifestData": {
			reason: "Every value of a Secret's data is masked, whatever its key.",
			f:      Field{Path: "spec.forProvider.manifest.stringData.url", Was: "postgres://a:b@h/db", Will: "postgres://a:c@h/db"},
			secret: true,
			want:   Field{Path: "spec.forProvider.manifest.stringData.url", Was: masked, Will: masked},
		},
		"PasswordKey": {
			reason: "A value under a password-like key is masked anywhere.",
			f:      Field{Path: "spec.forProvider.values", Will: map[string]any{"auth": map[string]any{"password": "hunter2", "user": "airflow"}}},
			want:   Field{Path: "spec.forProvider.values", Will: map[string]any{"auth": map[string]any{"password": masked, "user": "airflow"}}},
		},
		"ReferenceIsShown": {
			reason: "A reference to a secret is not a secret.",
			f:      Field{Path: "spec.forProvider.passwordSecretRef.name", Was: "a", Will: "b"},
			want:   Field{Path: "spec.forProvider.passwordSecretRef.name", Was: "a", Will: "b"},
		},
		"PlainField": {
			reason: "Other fields are shown as they are.",
			f:      Field{Path: "spec.forProvider.instanceClass", Was: "db.t3.micro", Will: "db.t3.small"},
			want:   Field{Path: "spec.forProvider.instanceClass", Was: "db.t3.micro", Will: "db.t3.small"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, mask(tc.f, tc.secret)); diff != "" {
				t.Errorf("%s\nmask(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
