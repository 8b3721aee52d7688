package plan

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/gokinjo/platform/internal/rendertree"
)

// Cluster reads an environment as it is from the management cluster: the
// Environment claim, its XEnvironment, every nested XR and every composed
// resource, as Crossplane would pass them to the function.
type Cluster struct {
	Client dynamic.Interface
	Mapper meta.RESTMapper
}

// NewCluster connects with a kubeconfig ("" is KUBECONFIG or ~/.kube/config)
// and context ("" is the current one).
func NewCluster(kubeconfig, context string) (*Cluster, error) {
	cfg, err := clientConfig(kubeconfig, context)
	if err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Cluster{Client: client, Mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))}, nil
}

// Reading an environment is one GET per composed resource (about 160 for
// dev): at client-go's default 5 requests a second a plan of dev against a
// live cluster spent 32 s waiting on the client's own rate limiter.
const (
	clientQPS   = 50
	clientBurst = 200
)

func clientConfig(kubeconfig, context string) (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: context}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("management cluster: %w", err)
	}
	cfg.QPS, cfg.Burst = clientQPS, clientBurst
	return cfg, nil
}

// Observe returns the name of the claim's XEnvironment and its observed
// composed resources per XR kind; a claim not applied yet has none ("", nil).
func (c *Cluster) Observe(ctx context.Context, claim *unstructured.Unstructured) (string, rendertree.Fixtures, error) {
	live, err := c.get(ctx, claim.GetAPIVersion(), claim.GetKind(), claim.GetNamespace(), claim.GetName())
	if err != nil || live == nil {
		return "", nil, err
	}
	ref, _, _ := unstructured.NestedStringMap(live.Object, "spec", "resourceRef")
	if ref["name"] == "" {
		return "", nil, nil // Claimed, XR not created yet.
	}
	xr, err := c.get(ctx, ref["apiVersion"], ref["kind"], "", ref["name"])
	if err != nil || xr == nil {
		return "", nil, err
	}
	fx := rendertree.Fixtures{}
	composed, err := c.composed(ctx, xr)
	if err != nil {
		return "", nil, err
	}
	fx[xr.GetKind()] = composed
	for _, n := range composed {
		if _, isXR := layerOf[n.GetKind()]; !isXR {
			continue
		}
		below, err := c.composed(ctx, n)
		if err != nil {
			return "", nil, err
		}
		fx[n.GetKind()] = below
	}
	return xr.GetName(), fx, nil
}

// composed reads the resources an XR's resourceRefs name (spec.resourceRefs
// of a legacy XR, spec.crossplane.resourceRefs of a v2 one).
func (c *Cluster) composed(ctx context.Context, xr *unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	refs, _, _ := unstructured.NestedSlice(xr.Object, "spec", "resourceRefs")
	if len(refs) == 0 {
		refs, _, _ = unstructured.NestedSlice(xr.Object, "spec", "crossplane", "resourceRefs")
	}
	var out []*unstructured.Unstructured
	for _, r := range refs {
		m, _ := r.(map[string]any)
		apiVersion, _ := m["apiVersion"].(string)
		kind, _ := m["kind"].(string)
		namespace, _ := m["namespace"].(string)
		name, _ := m["name"].(string)
		u, err := c.get(ctx, apiVersion, kind, namespace, name)
		if err != nil {
			return nil, err
		}
		if u != nil {
			out = append(out, u)
		}
	}
	return out, nil
}

// get reads one object; a missing one is nil (deleted since it was named).
func (c *Cluster) get(ctx context.Context, apiVersion, kind, namespace, name string) (*unstructured.Unstructured, error) {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil, err
	}
	m, err := c.Mapper.RESTMapping(gv.WithKind(kind).GroupKind(), gv.Version)
	if err != nil {
		return nil, fmt.Errorf("management cluster: %s %s: %w", apiVersion, kind, err)
	}
	var ri dynamic.ResourceInterface = c.Client.Resource(m.Resource)
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		ri = c.Client.Resource(m.Resource).Namespace(namespace)
	}
	u, err := ri.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("management cluster: %s %s: %w", kind, name, err)
	}
	// Server-side bookkeeping means nothing to the function.
	u.SetManagedFields(nil)
	return u, nil
}
