package datalake

import "encoding/json"

// TLSOnlyPolicy is a bucket policy that denies every request not made over
// TLS (aws:SecureTransport false).
func TLSOnlyPolicy(bucket string) string {
	arn := BucketARN(bucket)
	p := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":       "DenyInsecureTransport",
			"Effect":    "Deny",
			"Principal": "*",
			"Action":    "s3:*",
			"Resource":  []string{arn, arn + "/*"},
			"Condition": map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}},
		}},
	}
	b, _ := json.Marshal(p) // Plain maps and strings always marshal.
	return string(b)
}
