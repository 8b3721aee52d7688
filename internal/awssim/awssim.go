// Package awssim is an AWS SIMULATOR, not AWS. No machine here reaches AWS,
// so this package plays the provider's part in render fixtures and tests: it
// turns a desired managed resource into what the provider would report once
// AWS has created it (Ready and Synced conditions, status.atProvider with ids,
// ARNs and endpoints). The ids are fake but deterministic, derived from the
// resource's place in the composition, so golden files stay stable.
//
// Observe fills one resource; Account (account.go) is the STRICT simulator
// the fixtures and the e2e use: references, AWS's validation, dependencies
// at deletion and the in-cluster controllers' rules. README.md lists them.
package awssim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Annotations the simulator sets, as Crossplane and the provider would.
const (
	AnnotationCompositionResourceName = "crossplane.io/composition-resource-name"
	// AnnotationExternalName is crossplane-runtime's meta.AnnotationKeyExternalName,
	// spelt out so the e2e module needs no crossplane-runtime (a test
	// checks they agree).
	AnnotationExternalName = "crossplane.io/external-name"
)

// TransitionTime is the fixed time of every simulated condition, so that
// fixtures are byte-stable.
const TransitionTime = "2026-01-01T00:00:00Z"

// AccountID is the simulated AWS account.
const AccountID = "123456789012"

// A Filler sets the kind-specific status.atProvider fields of a simulated
// resource. id is the resource's simulated AWS id.
type Filler func(u *unstructured.Unstructured, id string)

// kinds registers, per kind, the AWS id prefix and the status filler.
var kinds = map[schema.GroupKind]struct {
	prefix string
	fill   Filler
}{}

// Register adds a kind to the simulator.
func Register(gk schema.GroupKind, idPrefix string, fill Filler) {
	if _, dup := kinds[gk]; dup {
		// One registration per kind: a second one would silently win by
		// file order.
		panic("awssim: " + gk.String() + " registered twice")
	}
	kinds[gk] = struct {
		prefix string
		fill   Filler
	}{idPrefix, fill}
}

// Name is the metadata.name the simulator gives a composed resource that has
// none (Crossplane generates one from the XR's name).
func Name(xrName, compName string) string {
	return xrName + "-" + Hash(compName)[:5]
}

// Hash is a hex digest of s; simulated ids are cut from it.
func Hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Observe returns desired as the provider would report it once AWS has
// created it and it is available.
func Observe(xrName, compName string, desired *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	u := desired.DeepCopy()
	if u.GetName() == "" {
		u.SetName(Name(xrName, compName))
	}
	ann := u.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[AnnotationCompositionResourceName] = compName

	gk := u.GroupVersionKind().GroupKind()
	k, known := kinds[gk]
	if !known && strings.HasSuffix(gk.Group, ".aws.upbound.io") {
		return nil, fmt.Errorf("awssim: kind %s is not simulated: register it", gk)
	}
	if gk.Group == GroupProtection {
		u.SetAnnotations(ann)
		return observeUsage(u)
	}
	id := k.prefix + Hash(xrName + "/" + compName)[:17]
	if ext, ok := ann[AnnotationExternalName]; ok && ext != "" {
		id = ext
	} else {
		ann[AnnotationExternalName] = id
	}
	u.SetAnnotations(ann)

	// The provider mirrors forProvider (and initProvider) into atProvider,
	// but for references and the region (which upjet keeps out of atProvider).
	at := map[string]any{}
	for _, src := range []string{"initProvider", "forProvider"} {
		if m, ok, _ := unstructured.NestedMap(u.Object, "spec", src); ok {
			for key, v := range m {
				if key == "region" || strings.HasSuffix(key, "Selector") || strings.HasSuffix(key, "Ref") || strings.HasSuffix(key, "Refs") {
					continue
				}
				at[key] = v
			}
		}
	}
	at["id"] = id
	if err := unstructured.SetNestedMap(u.Object, at, "status", "atProvider"); err != nil {
		return nil, err
	}
	if known && k.fill != nil {
		k.fill(u, id)
	}
	if err := SetConditions(u, true); err != nil {
		return nil, err
	}
	return u, nil
}

// SetConditions sets the Ready and Synced conditions a provider reports.
func SetConditions(u *unstructured.Unstructured, ready bool) error {
	status, reason := "True", "Available"
	if !ready {
		status, reason = "False", "Creating"
	}
	conds := []any{
		map[string]any{"type": "Ready", "status": status, "reason": reason, "lastTransitionTime": TransitionTime},
		map[string]any{"type": "Synced", "status": "True", "reason": "ReconcileSuccess", "lastTransitionTime": TransitionTime},
	}
	return unstructured.SetNestedSlice(u.Object, conds, "status", "conditions")
}

// SetAtProvider sets status.atProvider.<path> of a simulated resource.
func SetAtProvider(u *unstructured.Unstructured, v any, path ...string) {
	b, _ := json.Marshal(v)
	var c any
	_ = json.Unmarshal(b, &c)
	_ = unstructured.SetNestedField(u.Object, c, append([]string{"status", "atProvider"}, path...)...)
}

// ARN is a simulated ARN of a resource.
func ARN(service, region, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, AccountID, resource)
}
