package awssim

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestSimulatedDataKinds checks the fields the database and data-lake layers
// read from the simulator's RDS instances, buckets and keys.
func TestSimulatedDataKinds(t *testing.T) {
	mk := func(apiVersion, kind string, forProvider map[string]any, ann map[string]string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind,
			"spec": map[string]any{"forProvider": forProvider}}}
		u.SetAnnotations(ann)
		return u
	}
	cases := map[string]struct {
		reason string
		in     *unstructured.Unstructured
		want   map[string]string
	}{
		"Instance": {
			reason: "a primary reports its endpoint, port, ARN and master user secret; region stays out of atProvider",
			in:     mk("rds.aws.upbound.io/v1beta2", "Instance", map[string]any{"region": "ap-northeast-1", "identifier": "gokinjo-dev", "manageMasterUserPassword": true}, nil),
			want: map[string]string{
				"arn":                           "arn:aws:rds:ap-northeast-1:123456789012:db:gokinjo-dev",
				"address":                       "gokinjo-dev." + Hash(AccountID + "/ap-northeast-1")[:12] + ".ap-northeast-1.rds.amazonaws.com",
				"endpoint":                      "gokinjo-dev." + Hash(AccountID + "/ap-northeast-1")[:12] + ".ap-northeast-1.rds.amazonaws.com:5432",
				"masterUserSecret[0].secretArn": "",
				"region":                        "-",
			},
		},
		"Bucket": {
			reason: "a bucket reports its ARN and regional domain name",
			in:     mk("s3.aws.upbound.io/v1beta1", "Bucket", map[string]any{"region": "ap-northeast-1"}, map[string]string{AnnotationExternalName: "gokinjo-raw-dev"}),
			want: map[string]string{
				"arn":                      "arn:aws:s3:::gokinjo-raw-dev",
				"bucketRegionalDomainName": "gokinjo-raw-dev.s3.ap-northeast-1.amazonaws.com",
			},
		},
		"Key": {
			reason: "a KMS key reports a key ARN",
			in:     mk("kms.aws.upbound.io/v1beta1", "Key", map[string]any{"region": "ap-northeast-1"}, nil),
			want:   map[string]string{"arn": ""},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o, err := Observe("gokinjo-abcde-x", name, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			at, _, _ := unstructured.NestedMap(o.Object, "status", "atProvider")
			for path, want := range tc.want {
				var got string
				switch path {
				case "masterUserSecret[0].secretArn":
					s, _ := at["masterUserSecret"].([]any)
					if len(s) == 1 {
						got, _ = s[0].(map[string]any)["secretArn"].(string)
					}
				default:
					got, _ = at[path].(string)
				}
				switch want {
				case "":
					if got == "" {
						t.Errorf("%s: atProvider.%s is empty", tc.reason, path)
					}
				case "-":
					if _, ok := at[path]; ok {
						t.Errorf("%s: atProvider.%s must not be set", tc.reason, path)
					}
				default:
					if got != want {
						t.Errorf("%s: atProvider.%s: want %q, got %q", tc.reason, path, want, got)
					}
				}
			}
		})
	}
}
