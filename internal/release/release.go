// Package release moves the app images into an environment's ECR
// repositories: build once (reproducibly, without Docker), push the built
// images to the first environment, and promote by copying the same digests
// from one environment's repositories to the next, never rebuilding.
//
// Registry credentials come from the standard chain: the Docker config
// (crane auth login, docker login, aws-actions/amazon-ecr-login) and, for
// ECR, the caller's AWS credentials through the ECR credential helper
// (environment, shared config, SSO, web identity as GitHub OIDC gives it).
package release

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	ecr "github.com/awslabs/amazon-ecr-credential-helper/ecr-login"
	ecrapi "github.com/awslabs/amazon-ecr-credential-helper/ecr-login/api"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// App is one image this repository owns, keyed by the app name its ECR
// repository ends with (gokinjo-<env>-<app>, XDataLake
// status.repositories).
type App struct {
	// Name is the app: the suffix of its ECR repository's name.
	Name string
	// Builder is the main package that builds the image tarball.
	Builder string
	// Tarball is the file name of the built image under the output dir.
	Tarball string
	// Tag is the reference recorded in the tarball, before the version.
	Tag string
}

// Apps are the images a release ships, in push order.
var Apps = []App{
	{Name: "api", Builder: "./services/api/cmd/imagebuild", Tarball: "gokinjo-api.tar", Tag: "gokinjo/api"},
	{Name: "frontend", Builder: "./services/web/cmd/imagebuild", Tarball: "gokinjo-web.tar", Tag: "gokinjo/web"},
}

// Image is one built or pushed image.
type Image struct {
	App    string
	Ref    string // tarball path, or the pushed repository:tag
	Digest string
}

// Build builds every app image for version into outDir with the repository's
// image builders (static binaries on an empty base, fixed timestamps), so
// the same source always gives the same digests. root is the repository.
func Build(ctx context.Context, root, goCmd, outDir, version string, log io.Writer) ([]Image, error) {
	var out []Image
	for _, a := range Apps {
		path := filepath.Join(outDir, a.Tarball)
		cmd := exec.CommandContext(ctx, goCmd, "run", a.Builder, "-go", goCmd, "-o", path, "-tag", a.Tag+":"+version)
		cmd.Dir = root
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("build %s image: %w", a.Name, err)
		}
		d, err := TarballDigest(path)
		if err != nil {
			return nil, err
		}
		out = append(out, Image{App: a.Name, Ref: path, Digest: d})
	}
	return out, nil
}

// TarballDigest is the digest of the image in an image tarball: what a
// registry reports once it is pushed.
func TarballDigest(path string) (string, error) {
	img, err := tarball.ImageFromPath(path, nil)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	d, err := img.Digest()
	if err != nil {
		return "", fmt.Errorf("digest of %s: %w", path, err)
	}
	return d.String(), nil
}

// Keychain is the standard credential chain: the Docker config first, then
// the ECR credential helper for *.dkr.ecr.*.amazonaws.com (an ECR token
// from the caller's AWS credentials). Other registries, like the local
// test registry, get anonymous access.
func Keychain() authn.Keychain {
	return authn.NewMultiKeychain(
		authn.DefaultKeychain,
		ecrKeychain{authn.NewKeychainFromHelper(ecr.NewECRHelper(ecr.WithLogger(os.Stderr)))},
	)
}

// ecrKeychain asks the ECR credential helper only for ECR registries. The
// helper logs its errors (no AWS credentials, an expired SSO session) to
// stderr, because the keychain then falls back to anonymous and the
// registry's 401 alone would not say why; other registries would only log
// "can only be used with Amazon Elastic Container Registry".
type ecrKeychain struct{ helper authn.Keychain }

func (k ecrKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	if _, err := ecrapi.ExtractRegistry(r.RegistryStr()); err != nil {
		return authn.Anonymous, nil
	}
	return k.helper.Resolve(r)
}

// Push pushes the built images in outDir to the app repositories (app name
// to repository URL) at version. A tag already holding the same digest is
// left as it is (a re-run is harmless); one holding another image is an
// error, as the ECR repositories' tags are immutable: a tag always means
// one image.
func Push(ctx context.Context, outDir, version string, repos map[string]string, kc authn.Keychain) ([]Image, error) {
	if err := haveAll(repos); err != nil {
		return nil, err
	}
	var out []Image
	for _, a := range Apps {
		img, err := tarball.ImageFromPath(filepath.Join(outDir, a.Tarball), nil)
		if err != nil {
			return nil, fmt.Errorf("read the %s image (make images VERSION=%s first): %w", a.Name, version, err)
		}
		d, err := img.Digest()
		if err != nil {
			return nil, err
		}
		ref, err := name.NewTag(repos[a.Name] + ":" + version)
		if err != nil {
			return nil, fmt.Errorf("%s repository %q: %w", a.Name, repos[a.Name], err)
		}
		if err := checkTag(ctx, ref, d, kc); err != nil {
			if err == errSame {
				out = append(out, Image{App: a.Name, Ref: ref.String(), Digest: d.String()})
				continue
			}
			return nil, err
		}
		if err := remote.Write(ref, img, remote.WithContext(ctx), remote.WithAuthFromKeychain(kc)); err != nil {
			return nil, fmt.Errorf("push %s: %w", ref, err)
		}
		out = append(out, Image{App: a.Name, Ref: ref.String(), Digest: d.String()})
	}
	return out, nil
}

// Promote copies each app's image at version from one environment's
// repositories to the next one's: the same manifest, so the same digest;
// nothing is rebuilt.
func Promote(ctx context.Context, version string, from, to map[string]string, kc authn.Keychain) ([]Image, error) {
	if err := haveAll(from); err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	if err := haveAll(to); err != nil {
		return nil, fmt.Errorf("destination: %w", err)
	}
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(kc)}
	var out []Image
	for _, a := range Apps {
		src, err := name.NewTag(from[a.Name] + ":" + version)
		if err != nil {
			return nil, err
		}
		dst, err := name.NewTag(to[a.Name] + ":" + version)
		if err != nil {
			return nil, err
		}
		desc, err := remote.Get(src, opts...)
		if err != nil {
			return nil, fmt.Errorf("%s is not in the source repository (release it there first): %w", src, err)
		}
		if err := checkTag(ctx, dst, desc.Digest, kc); err != nil {
			if err == errSame {
				out = append(out, Image{App: a.Name, Ref: dst.String(), Digest: desc.Digest.String()})
				continue
			}
			return nil, err
		}
		if desc.MediaType.IsIndex() {
			idx, err := desc.ImageIndex()
			if err != nil {
				return nil, err
			}
			err = remote.WriteIndex(dst, idx, opts...)
			if err != nil {
				return nil, fmt.Errorf("copy %s to %s: %w", src, dst, err)
			}
		} else {
			img, err := desc.Image()
			if err != nil {
				return nil, err
			}
			if err := remote.Write(dst, img, opts...); err != nil {
				return nil, fmt.Errorf("copy %s to %s: %w", src, dst, err)
			}
		}
		got, err := remote.Head(dst, opts...)
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", dst, err)
		}
		if got.Digest != desc.Digest {
			return nil, fmt.Errorf("%s has digest %s after the copy, want %s", dst, got.Digest, desc.Digest)
		}
		out = append(out, Image{App: a.Name, Ref: dst.String(), Digest: desc.Digest.String()})
	}
	return out, nil
}

var errSame = fmt.Errorf("tag already holds this digest")

// checkTag: nil when the tag does not exist, errSame when it holds want,
// an error naming both digests when it holds another image.
func checkTag(ctx context.Context, ref name.Tag, want v1.Hash, kc authn.Keychain) error {
	got, err := remote.Head(ref, remote.WithContext(ctx), remote.WithAuthFromKeychain(kc))
	if err != nil {
		if te, ok := err.(*transport.Error); ok && te.StatusCode == 404 {
			return nil
		}
		return fmt.Errorf("look up %s: %w", ref, err)
	}
	if got.Digest == want {
		return errSame
	}
	return fmt.Errorf("%s already holds %s, not %s: tags are immutable, release a new version", ref, got.Digest, want)
}

func haveAll(repos map[string]string) error {
	var missing []string
	for _, a := range Apps {
		if repos[a.Name] == "" {
			missing = append(missing, a.Name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("no repository for %v (have %v)", missing, repos)
	}
	return nil
}
