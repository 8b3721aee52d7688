package release

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/gokinjo/platform/internal/registrytest"
)

// registries serves one registry per environment, each behind its own
// credentials, found only through the Docker config (registrytest).
func registries(t *testing.T, envs ...string) map[string]string {
	t.Helper()
	creds := make([]registrytest.Credentials, len(envs))
	for i, env := range envs {
		creds[i] = registrytest.Credentials{User: "ci-" + env, Password: "token-" + env}
	}
	hosts := map[string]string{}
	for i, h := range registrytest.Serve(t, creds...) {
		hosts[envs[i]] = h
	}
	return hosts
}

// repos are an environment's app repositories in a registry, named as the
// data-lake layer names them.
func repos(host, env string) map[string]string {
	return map[string]string{"api": host + "/gokinjo-" + env + "-api", "frontend": host + "/gokinjo-" + env + "-frontend"}
}

// builtImages writes a random image per app where Build would, standing in
// for make images (TestBuildIsReproducible builds the real ones).
func builtImages(t *testing.T) (string, map[string]v1.Hash) {
	t.Helper()
	dir := t.TempDir()
	digests := map[string]v1.Hash{}
	for _, a := range Apps {
		img, err := random.Image(512, 2)
		if err != nil {
			t.Fatal(err)
		}
		tag, err := name.NewTag(a.Tag + ":test")
		if err != nil {
			t.Fatal(err)
		}
		if err := tarball.WriteToFile(filepath.Join(dir, a.Tarball), tag, img); err != nil {
			t.Fatal(err)
		}
		digests[a.Name], _ = img.Digest()
	}
	return dir, digests
}

func digests(imgs []Image) map[string]v1.Hash {
	out := map[string]v1.Hash{}
	for _, i := range imgs {
		out[i.App] = v1.Hash{}
		if h, err := v1.NewHash(i.Digest); err == nil {
			out[i.App] = h
		}
	}
	return out
}

// TestPushThenPromote: the built images go to dev's repositories; promotion
// copies them to staging's and prod's registries with the same digests (the
// manifests are copied, nothing is rebuilt); a re-run changes nothing; a tag
// holding another image is refused (ECR tags are immutable), and so is a
// promotion of a version the source does not have.
func TestPushThenPromote(t *testing.T) {
	ctx := context.Background()
	hosts := registries(t, "dev", "staging", "prod")
	dir, want := builtImages(t)
	kc := Keychain()

	pushed, err := Push(ctx, dir, "v2", repos(hosts["dev"], "dev"), kc)
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	if diff := cmp.Diff(want, digests(pushed)); diff != "" {
		t.Errorf("pushed digests (-built +pushed):\n%s", diff)
	}
	for _, a := range Apps {
		ref, err := name.NewTag(repos(hosts["dev"], "dev")[a.Name] + ":v2")
		if err != nil {
			t.Fatal(err)
		}
		d, err := remote.Head(ref, remote.WithAuthFromKeychain(kc))
		if err != nil {
			t.Fatalf("dev registry: %v", err)
		}
		if d.Digest != want[a.Name] {
			t.Errorf("dev %s:v2 is %s, built %s", a.Name, d.Digest, want[a.Name])
		}
	}
	if _, err := Push(ctx, dir, "v2", repos(hosts["dev"], "dev"), kc); err != nil {
		t.Errorf("pushing the same images again: %v, want no error", err)
	}

	staging, err := Promote(ctx, "v2", repos(hosts["dev"], "dev"), repos(hosts["staging"], "staging"), kc)
	if err != nil {
		t.Fatalf("promote to staging: %v", err)
	}
	prod, err := Promote(ctx, "v2", repos(hosts["staging"], "staging"), repos(hosts["prod"], "prod"), kc)
	if err != nil {
		t.Fatalf("promote to prod: %v", err)
	}
	for env, got := range map[string][]Image{"staging": staging, "prod": prod} {
		if diff := cmp.Diff(want, digests(got)); diff != "" {
			t.Errorf("%s digests (-built +promoted):\n%s", env, diff)
		}
	}
	if _, err := Promote(ctx, "v2", repos(hosts["dev"], "dev"), repos(hosts["staging"], "staging"), kc); err != nil {
		t.Errorf("promoting again: %v, want no error", err)
	}

	other, _ := builtImages(t)
	if _, err := Push(ctx, other, "v2", repos(hosts["dev"], "dev"), kc); err == nil || !strings.Contains(err.Error(), "immutable") {
		t.Errorf("pushing other images at an existing tag: %v, want a refusal naming immutable tags", err)
	}
	if _, err := Promote(ctx, "v9", repos(hosts["dev"], "dev"), repos(hosts["prod"], "prod"), kc); err == nil || !strings.Contains(err.Error(), "not in the source") {
		t.Errorf("promoting a version dev does not have: %v, want an error", err)
	}
}

// TestPushNeedsCredentials: without the Docker config entry the push is
// refused, so the test above proves the credential chain is used.
func TestPushNeedsCredentials(t *testing.T) {
	hosts := registries(t, "dev")
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	dir, _ := builtImages(t)
	if _, err := Push(context.Background(), dir, "v2", repos(hosts["dev"], "dev"), Keychain()); err == nil {
		t.Error("push without credentials succeeded")
	}
}

func TestRepositories(t *testing.T) {
	claim := `
apiVersion: platform.gokinjo.io/v1alpha1
kind: Environment
status:
  dataLake:
    repositories:
    - name: gokinjo-dev-api
      url: 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/gokinjo-dev-api
    - name: gokinjo-dev-frontend
      url: 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/gokinjo-dev-frontend
`
	got, err := Repositories([]byte(claim))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"api":      "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/gokinjo-dev-api",
		"frontend": "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/gokinjo-dev-frontend",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("repositories (-want +got):\n%s", diff)
	}
	if _, err := Repositories([]byte("status: {}")); err == nil || !strings.Contains(err.Error(), "status.dataLake.repositories") {
		t.Errorf("claim without repositories: %v, want an error naming the field", err)
	}
}

// TestBuildIsReproducible builds every app image twice, as make images
// does: the same source gives the same digests.
func TestBuildIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the API and web binaries twice")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "services/web/ui/dist/index.html")); err != nil {
		t.Fatal("the web app is not built: run make web-assets (make test does)")
	}
	ctx := context.Background()
	var runs [2][]Image
	for i := range runs {
		imgs, err := Build(ctx, root, "go", t.TempDir(), "v0.0.0-test", io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		for j := range imgs {
			imgs[j].Ref = filepath.Base(imgs[j].Ref)
		}
		runs[i] = imgs
	}
	if len(runs[0]) != len(Apps) {
		t.Fatalf("built %d images, want %d", len(runs[0]), len(Apps))
	}
	if diff := cmp.Diff(runs[0], runs[1]); diff != "" {
		t.Errorf("two builds of the same source differ (-first +second):\n%s", diff)
	}
	t.Logf("digests: %v", runs[0])
}

// countingKeychain records the registries it is asked about.
type countingKeychain struct{ asked []string }

func (k *countingKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	k.asked = append(k.asked, r.RegistryStr())
	return authn.Anonymous, nil
}

// TestECRHelperOnlyForECR: the ECR credential helper is asked for ECR
// registries only, so its error log stays for real ECR failures.
func TestECRHelperOnlyForECR(t *testing.T) {
	helper := &countingKeychain{}
	kc := ecrKeychain{helper}
	for _, reg := range []string{"123456789012.dkr.ecr.ap-northeast-1.amazonaws.com", "127.0.0.1:5000", "ghcr.io"} {
		r, err := name.NewRegistry(reg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kc.Resolve(r); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"123456789012.dkr.ecr.ap-northeast-1.amazonaws.com"}; !slices.Equal(helper.asked, want) {
		t.Errorf("helper asked for %v, want %v", helper.asked, want)
	}
}
