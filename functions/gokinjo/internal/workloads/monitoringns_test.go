package workloads

import (
	"testing"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

// TestMonitoringNamespace: kube-prometheus-stack's namespace is an Object
// (deleting the environment deletes it, and the Prometheus claim helm
// uninstall leaves), which outlives the release and keeps the EBS CSI
// driver and the cluster until it is gone; the release still creates the
// namespace itself, so the first install waits for nothing.
func TestMonitoringNamespace(t *testing.T) {
	_, s, _ := converge(t, params("dev", known("dev"), nil))
	m := manifests(s)[compMonitoringNamespace]
	if m == nil {
		t.Fatal("no Object composes the monitoring namespace")
	}
	name, _ := m["metadata"].(map[string]any)["name"].(string)
	if m["kind"] != "Namespace" || name != MonitoringNamespace {
		t.Errorf("the monitoring namespace Object manages %v %q, want Namespace %s", m["kind"], name, MonitoringNamespace)
	}
	rel := s.Desired()[resource.Name(addonComp(addonMonitoring))]
	if rel == nil {
		t.Fatal("no kube-prometheus-stack release")
	}
	if ns, _ := rel.Resource.GetString("spec.forProvider.namespace"); ns != MonitoringNamespace {
		t.Errorf("kube-prometheus-stack installs into %q, the Object manages %q", ns, MonitoringNamespace)
	}
	if skip, _ := rel.Resource.GetBool("spec.forProvider.skipCreateNamespace"); skip {
		t.Error("kube-prometheus-stack skips creating its namespace: its first install would wait for the Object")
	}
	for _, c := range []struct{ of, by, why string }{
		{compMonitoringNamespace, addonComp(addonMonitoring), "helm uninstalls with its release record in place"},
		{clusterLayerComponent, compMonitoringNamespace, "provider-kubernetes deletes the namespace in the cluster, and the EBS CSI controller the volume of the claim it takes"},
	} {
		u := s.Desired()[resource.Name(naming.UsageComponent(c.of, c.by))]
		if u == nil {
			t.Errorf("no Usage keeps %s until %s is gone (%s)", c.of, c.by, c.why)
			continue
		}
		if by, _ := u.Resource.GetString("spec.by.resourceSelector.matchLabels[platform.gokinjo.io/component]"); by != c.by {
			t.Errorf("Usage of %s is by %q, want %q", c.of, by, c.by)
		}
	}
}
