package workloads

import (
	"fmt"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
)

// podTemplate is one pod spec the layer renders, as content: from a
// Deployment or Job manifest, or from the Helm values of a chart's pods.
type podTemplate struct {
	where string
	// pod is the pod-level security context.
	pod map[string]any
	// containers are the containers, each with securityContext,
	// resources and (for manifests) image.
	containers []map[string]any
}

// helmPods lists, per add-on, where in its values each pod's security
// context, container security context and resources are: every pod the
// layer configures in a chart.
var helmPods = map[string][]struct{ pod, container, resources string }{
	addonMetricsServer:     {{"podSecurityContext", "securityContext", "resources"}},
	addonLBController:      {{"podSecurityContext", "securityContext", "resources"}},
	addonClusterAutoscaler: {{"securityContext", "containerSecurityContext", "resources"}},
	addonMonitoring: {
		{"prometheusOperator.securityContext", "prometheusOperator.containerSecurityContext", "prometheusOperator.resources"},
		{"grafana.securityContext", "grafana.containerSecurityContext", "grafana.resources"},
	},
	addonAirflow: {
		{"securityContexts.pod", "securityContexts.containers", "workers.resources"},
		{"workers.securityContexts.pod", "workers.securityContexts.container", "workers.resources"},
		{"scheduler.securityContexts.pod", "scheduler.securityContexts.container", "scheduler.resources"},
		{"webserver.securityContexts.pod", "webserver.securityContexts.container", "webserver.resources"},
		{"triggerer.securityContexts.pod", "triggerer.securityContexts.container", "triggerer.resources"},
		{"migrateDatabaseJob.securityContexts.pod", "migrateDatabaseJob.securityContexts.container", "migrateDatabaseJob.resources"},
		{"createUserJob.securityContexts.pod", "createUserJob.securityContexts.container", "createUserJob.resources"},
	},
}

func path(m map[string]any, p string) map[string]any {
	cur := m
	for _, k := range strings.Split(p, ".") {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}

// podTemplates collects every pod template of a converged environment.
func podTemplates(t *testing.T, env string) []podTemplate {
	t.Helper()
	_, s, _ := converge(t, params(env, known(env), nil))
	var out []podTemplate
	kinds := map[string]int{}
	for comp, m := range manifests(s) {
		kind, _ := m["kind"].(string)
		var spec map[string]any
		switch kind {
		case "Deployment", "Job":
			spec = path(m, "spec.template.spec")
		case "Pod":
			spec = path(m, "spec")
		default:
			continue
		}
		kinds[kind]++
		pt := podTemplate{where: comp, pod: path(spec, "securityContext")}
		for _, c := range spec["containers"].([]any) {
			pt.containers = append(pt.containers, c.(map[string]any))
		}
		if ic, ok := spec["initContainers"].([]any); ok {
			for _, c := range ic {
				pt.containers = append(pt.containers, c.(map[string]any))
			}
		}
		out = append(out, pt)
	}
	if kinds["Deployment"] != 2 || kinds["Job"] != 2 {
		t.Fatalf("found %v pod templates, want 2 Deployments and 2 Jobs", kinds)
	}
	for addon, pods := range helmPods {
		d, ok := s.Desired()[resource.Name(addonComp(addon))]
		if !ok {
			t.Fatalf("add-on %s is not composed", addon)
		}
		v, _ := d.Resource.GetValue("spec.forProvider.values")
		values := v.(map[string]any)
		for _, p := range pods {
			out = append(out, podTemplate{
				where: addon + " " + p.pod,
				pod:   path(values, p.pod),
				containers: []map[string]any{{
					"securityContext": path(values, p.container),
					"resources":       path(values, p.resources),
				}},
			})
		}
	}
	return out
}

// TestPodSecurity walks every pod template the layer renders and proves the
// restricted settings: non-root, RuntimeDefault seccomp, read-only root
// file system, no privilege escalation, all capabilities dropped, CPU and
// memory limits, and pinned images (never :latest, never untagged).
func TestPodSecurity(t *testing.T) {
	for _, env := range []string{"dev", "staging", "prod"} {
		for _, pt := range podTemplates(t, env) {
			t.Run(env+"/"+pt.where, func(t *testing.T) {
				if pt.pod == nil {
					t.Fatal("no pod security context")
				}
				if pt.pod["runAsNonRoot"] != true {
					t.Errorf("pod runAsNonRoot = %v", pt.pod["runAsNonRoot"])
				}
				if path(pt.pod, "seccompProfile")["type"] != "RuntimeDefault" {
					t.Errorf("pod seccompProfile = %v", pt.pod["seccompProfile"])
				}
				for i, c := range pt.containers {
					where := fmt.Sprintf("container %d", i)
					sc, _ := c["securityContext"].(map[string]any)
					if sc == nil {
						t.Fatalf("%s: no security context", where)
					}
					// Airflow alone writes into its home at run time
					// (see airflowValues): its root stays writable.
					readOnly := !strings.HasPrefix(pt.where, addonAirflow+" ")
					if sc["readOnlyRootFilesystem"] != readOnly || sc["allowPrivilegeEscalation"] != false || sc["runAsNonRoot"] != true {
						t.Errorf("%s: security context %v (want readOnlyRootFilesystem %t)", where, sc, readOnly)
					}
					drop, _ := path(sc, "capabilities")["drop"].([]any)
					if len(drop) != 1 || drop[0] != "ALL" {
						t.Errorf("%s: capabilities drop %v, want [ALL]", where, drop)
					}
					limits := path(c, "resources.limits")
					if limits["cpu"] == nil || limits["memory"] == nil {
						t.Errorf("%s: limits %v, want cpu and memory", where, limits)
					}
					requests := path(c, "resources.requests")
					if requests["cpu"] == nil || requests["memory"] == nil {
						t.Errorf("%s: requests %v, want cpu and memory", where, requests)
					}
					if img, ok := c["image"].(string); ok {
						tag := img[strings.LastIndex(img, "/")+1:]
						if !strings.Contains(tag, ":") || strings.HasSuffix(img, ":latest") {
							t.Errorf("%s: image %q is not pinned to a tag", where, img)
						}
					}
				}
			})
		}
	}
}
