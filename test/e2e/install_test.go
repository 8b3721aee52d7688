//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/internal/mgmtdoc"
	"github.com/gokinjo/platform/internal/schemavalidate"
	"github.com/gokinjo/platform/internal/xpkgbuild"
)

// The install path of the e2e is docs/management-cluster.md's: the packages
// are published under their real names and versions to the local registry
// (the providers built from their real CRDs and metadata at the versions
// examples/management/providers.yaml pins, the function and configuration by
// the package builder), Crossplane reaches them through ImageConfig rewrites
// of their registries to the local one, and the doc's files are applied in
// the doc's order with dependency resolution on, so the Function is the one
// Crossplane's resolver creates for the configuration.

// awsProvider is the module whose package/crds and crossplane.yaml.tmpl the
// crossplane-contrib provider-aws family packages are built from.
const awsProvider = "github.com/upbound/provider-aws"

// stageProviderPackages writes one package root per Provider of
// providers.yaml under dir/<repository path>: crossplane.yaml and the CRDs.
// The provider-aws members carry only the kinds the package composes (the
// golden renders), which keeps the local API server light; their metadata is
// rendered from the provider's own template with the values the
// crossplane-contrib publishing workflow uses (dependency on the family at
// xpkg.crossplane.io/crossplane-contrib, constraint ">= 0.0.0").
func stageProviderPackages(dir string) error {
	objs, err := readYAMLObjects(filepath.Join(repoRoot(), "examples", "management", "providers.yaml"))
	if err != nil {
		return err
	}
	kinds, err := goldenKinds()
	if err != nil {
		return err
	}
	var refs []string
	for _, o := range objs {
		ref, _, _ := unstructured.NestedString(o.Object, "spec", "package")
		repo, version, ok := strings.Cut(ref[strings.Index(ref, "/")+1:], ":")
		if !ok {
			return fmt.Errorf("providers.yaml: %s is not pinned to a version", ref)
		}
		regOrg := ref[:strings.LastIndex(ref, "/")]
		base := repo[strings.LastIndex(repo, "/")+1:]
		root := filepath.Join(dir, repo)
		crds := filepath.Join(root, "crds")
		if err := os.MkdirAll(crds, 0o755); err != nil {
			return err
		}
		var meta []byte
		switch {
		case base == "provider-family-aws" || strings.HasPrefix(base, "provider-aws-"):
			m, err := schemavalidate.Download(context.Background(), awsProvider+"@"+version)
			if err != nil {
				return err
			}
			service, prefix := "config", "aws.upbound.io_"
			if base != "provider-family-aws" {
				service = strings.TrimPrefix(base, "provider-aws-")
				prefix = service + ".aws.upbound.io_"
			}
			if _, err := m.CopyCRDs("package/crds", crds, []string{prefix}, kinds.keep); err != nil {
				return err
			}
			src, err := m.File("package/crossplane.yaml.tmpl")
			if err != nil {
				return err
			}
			tmpl, err := template.New("crossplane.yaml").Parse(string(src))
			if err != nil {
				return err
			}
			var b bytes.Buffer
			if err := tmpl.Execute(&b, map[string]string{
				"Name": base, "Service": service, "ProviderName": "aws", "ProviderAuthGroup": "aws",
				"XpkgRegOrg": regOrg, "DepConstraint": ">= 0.0.0",
			}); err != nil {
				return err
			}
			meta = b.Bytes()
		case base == "provider-kubernetes" || base == "provider-helm":
			m, err := schemavalidate.Download(context.Background(), "github.com/crossplane-contrib/"+base+"@"+version)
			if err != nil {
				return err
			}
			group := strings.TrimPrefix(base, "provider-") + ".crossplane.io_" // cluster-scoped kinds
			if _, err := m.CopyCRDs("package/crds", crds, []string{group}, kinds.keep); err != nil {
				return err
			}
			if meta, err = m.File("package/crossplane.yaml"); err != nil {
				return err
			}
		default:
			return fmt.Errorf("providers.yaml: no module to build %s from", ref)
		}
		if err := os.WriteFile(filepath.Join(root, "crossplane.yaml"), meta, 0o644); err != nil {
			return err
		}
		if n, _ := filepath.Glob(filepath.Join(crds, "*.yaml")); len(n) == 0 {
			return fmt.Errorf("%s: no CRDs staged", ref)
		}
		refs = append(refs, ref)
	}
	return os.WriteFile(filepath.Join(dir, "refs"), []byte(strings.Join(refs, "\n")), 0o644)
}

// mirrorRegistry is where the local registry serves a package reference:
// the same repository path under 127.0.0.1:5000.
func mirrorRegistry(ref string) string {
	return registryAddr + "/" + ref[strings.Index(ref, "/")+1:]
}

// publishProviders builds the staged provider packages with crossplane xpkg
// build and pushes each under its real repository path and version.
func (h *harness) publishProviders() ([]string, error) {
	dir := os.Getenv(envProviders)
	b, err := os.ReadFile(filepath.Join(dir, "refs"))
	if err != nil {
		return nil, err
	}
	cli := filepath.Join(h.bin, "crossplane")
	examples := filepath.Join(h.work, "no-examples")
	if err := os.MkdirAll(examples, 0o755); err != nil {
		return nil, err
	}
	refs := strings.Split(string(b), "\n")
	for _, ref := range refs {
		repo, _, _ := strings.Cut(ref[strings.Index(ref, "/")+1:], ":")
		file := filepath.Join(h.work, strings.ReplaceAll(repo, "/", "_")+".xpkg")
		for _, args := range [][]string{
			{"xpkg", "build", "--package-root=" + filepath.Join(dir, repo), "--examples-root=" + examples, "--package-file=" + file},
			{"xpkg", "push", "--package-files=" + file, mirrorRegistry(ref)},
		} {
			cmd := exec.CommandContext(h.ctx, cli, args...)
			if out, err := cmd.CombinedOutput(); err != nil {
				return nil, fmt.Errorf("crossplane %s: %w\n%s", strings.Join(args, " "), err, out)
			}
		}
	}
	return refs, nil
}

// mirrorImageConfigs points Crossplane at the local registry: one ImageConfig
// per registry/org the packages are named for, rewriting it to the same path
// under the local registry. The doc's files stay as they are.
func (h *harness) mirrorImageConfigs(refs []string) error {
	seen := map[string]bool{}
	for _, ref := range refs {
		prefix := ref[:strings.LastIndex(ref, "/")+1]
		if seen[prefix] {
			continue
		}
		seen[prefix] = true
		ic := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "pkg.crossplane.io/v1beta1", "kind": "ImageConfig",
			"metadata": map[string]any{"name": "e2e-mirror-" + strings.NewReplacer(".", "-", "/", "-").Replace(strings.TrimSuffix(prefix, "/"))},
			"spec": map[string]any{
				"matchImages":  []any{map[string]any{"type": "Prefix", "prefix": prefix}},
				"rewriteImage": map[string]any{"prefix": mirrorRegistry(prefix)},
			},
		}}
		if _, err := h.c.apply(h.ctx, ic); err != nil {
			return fmt.Errorf("ImageConfig %s: %w", ic.GetName(), err)
		}
		h.t.Logf("ImageConfig %s: %s -> %s", ic.GetName(), prefix, mirrorRegistry(prefix))
	}
	return nil
}

// installAsDocumented applies the files docs/management-cluster.md applies,
// in its order, with its waits: the providers healthy before the
// ProviderConfig, then the configuration and the Function its dependency
// resolution creates healthy and every XRD established. The claims are
// applied later by the test itself.
func (h *harness) installAsDocumented() error {
	applies, err := mgmtdoc.Read(h.root)
	if err != nil {
		return err
	}
	n := 0
	for _, a := range applies {
		if !strings.HasPrefix(a.File, "examples/management/") {
			continue
		}
		n++
		switch filepath.Base(a.File) {
		case "registry-credentials.yaml":
			// The doc creates the pull secret first. The local registry needs
			// none; the ImageConfig must still find its secret.
			sec := &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Name: "gokinjo-registry", Namespace: crossplaneNS},
				Type:       corev1.SecretTypeDockerConfigJson,
				Data:       map[string][]byte{corev1.DockerConfigJsonKey: []byte(`{"auths":{"ghcr.io":{"auth":"ZTJlOmUyZQ=="}}}`)},
			}
			if _, err := h.c.kube.CoreV1().Secrets(crossplaneNS).Create(h.ctx, sec, metav1.CreateOptions{}); err != nil && !kerrors.IsAlreadyExists(err) {
				return err
			}
		}
		objs, err := readYAMLObjects(filepath.Join(h.root, a.File))
		if err != nil {
			return err
		}
		for _, o := range objs {
			// Kinds a provider package brings (the ProviderConfig) are served
			// once the provider is healthy; the doc waits for that first.
			err := poll(h.ctx, 2*time.Minute, time.Second, func() (bool, error) {
				_, err := h.c.apply(h.ctx, o)
				return err == nil, err
			})
			if err != nil {
				return fmt.Errorf("%s (%s): %s %s: %w", a.File, a.Command, o.GetKind(), o.GetName(), err)
			}
		}
		h.t.Logf("applied %s as the doc does: %s", a.File, a.Command)
		if filepath.Base(a.File) == "providers.yaml" {
			if err := h.waitHealthy("Provider", objs); err != nil {
				return err
			}
		}
	}
	if n == 0 {
		return fmt.Errorf("%s applies no file under examples/management", mgmtdoc.Path)
	}
	fn := &unstructured.Unstructured{}
	fn.SetKind("Function")
	fn.SetName(functionName)
	cfg := &unstructured.Unstructured{}
	cfg.SetKind("Configuration")
	cfg.SetName(xpkgbuild.ConfigurationName)
	if err := h.waitHealthy("Configuration", []*unstructured.Unstructured{cfg}); err != nil {
		return err
	}
	if err := h.waitHealthy("Function", []*unstructured.Unstructured{fn}); err != nil {
		return err
	}
	return h.waitXRDs()
}

// waitHealthy waits for packages of a kind to be Installed and Healthy.
func (h *harness) waitHealthy(kind string, objs []*unstructured.Unstructured) error {
	for _, o := range objs {
		var last *unstructured.Unstructured
		err := poll(h.ctx, 5*time.Minute, time.Second, func() (bool, error) {
			u, err := h.c.get(h.ctx, "pkg.crossplane.io/v1", kind, "", o.GetName())
			if err != nil {
				return false, err
			}
			last = u
			return isTrue(u, "Installed") && isTrue(u, "Healthy"), nil
		})
		if err != nil {
			return fmt.Errorf("%s %s not healthy: %w; conditions: %v", kind, o.GetName(), err, conditions(last))
		}
	}
	return nil
}

// playProviderRuntime is the External runtime of the providers: the
// simulator plays their controllers, so no Deployment exists; what Crossplane
// still needs from a runtime before it establishes a provider's CRDs is the
// revision's TLS server secret (its tls.crt would be the CA bundle of
// conversion webhooks), and for health the RuntimeHealthy condition.
func (h *harness) playProviderRuntime(ctx context.Context, tls map[string][]byte) {
	revisions := h.c.dyn.Resource(schema.GroupVersionResource{Group: "pkg.crossplane.io", Version: "v1", Resource: "providerrevisions"})
	for ctx.Err() == nil {
		l, err := revisions.List(ctx, metav1.ListOptions{})
		if err == nil {
			for i := range l.Items {
				r := &l.Items[i]
				pkg := r.GetLabels()["pkg.crossplane.io/package"]
				if pkg == "" {
					continue
				}
				secret := pkg + "-tls-server"
				sn, _, _ := unstructured.NestedString(r.Object, "status", "tlsServerSecretName")
				if sn == secret && isTrue(r, "RuntimeHealthy") {
					continue
				}
				sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: secret, Namespace: crossplaneNS}, Type: corev1.SecretTypeOpaque, Data: tls}
				if _, err := h.c.kube.CoreV1().Secrets(crossplaneNS).Create(ctx, sec, metav1.CreateOptions{}); err != nil && !kerrors.IsAlreadyExists(err) {
					continue
				}
				_ = unstructured.SetNestedField(r.Object, secret, "status", "tlsServerSecretName")
				setCondition(r, map[string]any{"type": "RuntimeHealthy", "status": "True", "reason": "HealthyPackageRevision",
					"message": pkg + " is played by the e2e AWS simulator (External runtime)"})
				_, _ = revisions.UpdateStatus(ctx, r, metav1.UpdateOptions{})
			}
		}
		time.Sleep(time.Second)
	}
}
