package plan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
)

func obj(apiVersion, kind, namespace, name string, spec map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetNamespace(namespace)
	u.SetName(name)
	return u
}

func ref(apiVersion, kind, name string) map[string]any {
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "name": name}
}

func TestClusterObserve(t *testing.T) {
	const platform, ec2 = "platform.gokinjo.io/v1alpha1", "ec2.aws.upbound.io/v1beta1"
	claim := obj(platform, "Environment", "gokinjo-dev", "gokinjo", map[string]any{"resourceRef": map[string]any{"apiVersion": platform, "kind": "XEnvironment", "name": "gokinjo-x1"}})
	xr := obj(platform, "XEnvironment", "", "gokinjo-x1", map[string]any{"resourceRefs": []any{ref(platform, "XNetwork", "gokinjo-x1-n")}})
	network := obj(platform, "XNetwork", "", "gokinjo-x1-n", map[string]any{"resourceRefs": []any{
		ref(ec2, "VPC", "vpc-1"),
		ref(ec2, "VPC", "deleted-since"), // named, but gone: skipped.
	}})
	vpc := obj(ec2, "VPC", "", "vpc-1", map[string]any{"forProvider": map[string]any{"cidrBlock": "10.0.0.0/16"}})

	mapper := meta.NewDefaultRESTMapper(nil)
	gvrs := map[schema.GroupVersionResource]string{}
	for _, k := range []struct {
		gv, kind, resource string
		scope              meta.RESTScope
	}{
		{platform, "Environment", "environments", meta.RESTScopeNamespace},
		{platform, "XEnvironment", "xenvironments", meta.RESTScopeRoot},
		{platform, "XNetwork", "xnetworks", meta.RESTScopeRoot},
		{ec2, "VPC", "vpcs", meta.RESTScopeRoot},
	} {
		gv, _ := schema.ParseGroupVersion(k.gv)
		mapper.AddSpecific(gv.WithKind(k.kind), gv.WithResource(k.resource), gv.WithResource(k.resource), k.scope)
		gvrs[gv.WithResource(k.resource)] = k.kind + "List"
	}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), gvrs, claim, xr, network, vpc)
	c := &Cluster{Client: client, Mapper: mapper}

	name, fx, err := c.Observe(context.Background(), claim)
	if err != nil {
		t.Fatal(err)
	}
	if name != "gokinjo-x1" {
		t.Errorf("Observe(): XR name %q, want gokinjo-x1", name)
	}
	got := map[string][]string{}
	for kind, objs := range fx {
		for _, o := range objs {
			got[kind] = append(got[kind], o.GetKind()+"/"+o.GetName())
		}
	}
	want := map[string][]string{"XEnvironment": {"XNetwork/gokinjo-x1-n"}, "XNetwork": {"VPC/vpc-1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Observe(): the XR tree read from the cluster, -want, +got:\n%s", diff)
	}

	// A claim not applied yet: nothing observed, everything is created.
	name, fx, err = c.Observe(context.Background(), obj(platform, "Environment", "gokinjo-dev", "other", nil))
	if err != nil || name != "" || len(fx) != 0 {
		t.Errorf("Observe(new claim) = %q, %v, %v; want nothing", name, fx, err)
	}
}

// TestClientConfig: the plan reads every composed resource one GET at a
// time, so it must not run at client-go's default 5 requests a second (a
// dev plan against the e2e cluster took 32 s that way).
func TestClientConfig(t *testing.T) {
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	const config = `apiVersion: v1
kind: Config
clusters: [{name: mgmt, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: admin, user: {token: x}}]
contexts: [{name: mgmt, context: {cluster: mgmt, user: admin}}]
current-context: mgmt
`
	if err := os.WriteFile(kc, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := clientConfig(kc, "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "https://127.0.0.1:6443" {
		t.Errorf("clientConfig(): host %q, want the kubeconfig's current context", cfg.Host)
	}
	if cfg.QPS < 50 || cfg.Burst < 160 {
		t.Errorf("clientConfig(): QPS %v, burst %d; a dev environment (about 160 GETs) would wait on the client's rate limiter", cfg.QPS, cfg.Burst)
	}
}
