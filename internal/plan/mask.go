package plan

import (
	"regexp"
	"strings"
)

// masked replaces a secret value in a plan: plans are posted to pull
// requests and CI logs.
const masked = "(sensitive)"

// sensitiveKey matches keys whose string values are secrets; keys naming a
// reference to a secret (passwordSecretRef, secretName, ...) do not match.
var (
	sensitiveKey = regexp.MustCompile(`(?i)(password|passwd|secret|token|private.?key|credential|api.?key|connection.?string|database.?url)`)
	referenceKey = regexp.MustCompile(`(?i)(ref|refs|selector|name|arn|id|ids|namespace|kms.?key.?id)$`)
)

// mask hides the secret values of a changed field. secretManifest is true
// for a Kubernetes Secret (its data and stringData are secret whatever the
// keys).
func mask(f Field, secretManifest bool) Field {
	secretPath := secretManifest && (strings.Contains(f.Path, ".data") || strings.Contains(f.Path, ".stringData"))
	f.Was = maskValue(f.Was, secretPath || sensitive(lastKey(f.Path)))
	f.Will = maskValue(f.Will, secretPath || sensitive(lastKey(f.Path)))
	return f
}

// maskValue masks every string in v if secret, else every string under a
// sensitive key.
func maskValue(v any, secret bool) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = maskValue(e, secret || sensitive(k))
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = maskValue(e, secret)
		}
		return out
	case string:
		if secret && t != "" {
			return masked
		}
	}
	return v
}

func sensitive(key string) bool {
	return sensitiveKey.MatchString(key) && !referenceKey.MatchString(key)
}

func lastKey(path string) string {
	path = strings.TrimRight(path, "]")
	if i := strings.LastIndexAny(path, ".[\""); i >= 0 {
		path = path[i+1:]
	}
	return strings.Trim(path, `"`)
}
