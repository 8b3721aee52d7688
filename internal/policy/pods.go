package policy

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// podSpecPaths is where each workload kind keeps its pod spec.
var podSpecPaths = map[string][]string{
	"Pod":         {"spec"},
	"Deployment":  {"spec", "template", "spec"},
	"StatefulSet": {"spec", "template", "spec"},
	"DaemonSet":   {"spec", "template", "spec"},
	"ReplicaSet":  {"spec", "template", "spec"},
	"Job":         {"spec", "template", "spec"},
	"CronJob":     {"spec", "jobTemplate", "spec", "template", "spec"},
}

// PodSpec returns the pod spec inside a provider-kubernetes Object's manifest.
func PodSpec(u *unstructured.Unstructured) (map[string]any, bool) {
	if !isObject(u) {
		return nil, false
	}
	m := manifestOf(u)
	if m == nil {
		return nil, false
	}
	path, ok := podSpecPaths[fmt.Sprint(m["kind"])]
	if !ok {
		return nil, false
	}
	spec, ok, _ := unstructured.NestedMap(m, path...)
	return spec, ok
}

func init() { // Rule registry.
	register(Rule{
		Name:  "pods-hardened",
		About: "Every pod runs as non-root with a read-only root filesystem, no privilege escalation, all capabilities dropped, resource limits set and a pinned image (never :latest).",
		Applies: func(u *unstructured.Unstructured) bool {
			_, ok := PodSpec(u)
			return ok
		},
		Check: func(u *unstructured.Unstructured, _ *Index) []string {
			spec, _ := PodSpec(u)
			return CheckPodSpec(spec)
		},
	})
}

// CheckPodSpec returns what a pod spec lacks of the hardening rules.
func CheckPodSpec(spec map[string]any) []string {
	var out []string
	podNonRoot, _, _ := unstructured.NestedBool(spec, "securityContext", "runAsNonRoot")
	for _, list := range []string{"initContainers", "containers"} {
		cs, _, _ := unstructured.NestedSlice(spec, list)
		for _, c := range cs {
			m, _ := c.(map[string]any)
			name := fmt.Sprint(m["name"])
			sc, _ := m["securityContext"].(map[string]any)
			if nonRoot, ok := sc["runAsNonRoot"].(bool); !(podNonRoot && (!ok || nonRoot)) && !(ok && nonRoot) {
				out = append(out, name+": runAsNonRoot must be true")
			}
			if sc["readOnlyRootFilesystem"] != true {
				out = append(out, name+": readOnlyRootFilesystem must be true")
			}
			if sc["allowPrivilegeEscalation"] != false {
				out = append(out, name+": allowPrivilegeEscalation must be false")
			}
			drop, _, _ := unstructured.NestedStringSlice(m, "securityContext", "capabilities", "drop")
			if !contains(drop, "ALL") {
				out = append(out, name+": capabilities must drop ALL")
			}
			limits, _, _ := unstructured.NestedMap(m, "resources", "limits")
			if limits["cpu"] == nil || limits["memory"] == nil {
				out = append(out, name+": cpu and memory limits must be set")
			}
			if img := fmt.Sprint(m["image"]); !pinned(img) {
				out = append(out, fmt.Sprintf("%s: image %q must name a tag other than latest, or a digest", name, img))
			}
		}
	}
	return out
}

func pinned(image string) bool {
	if strings.Contains(image, "@sha256:") {
		return true
	}
	slash := strings.LastIndex(image, "/")
	colon := strings.LastIndex(image, ":")
	if colon <= slash {
		return false // no tag: means latest
	}
	return image[colon+1:] != "latest"
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
