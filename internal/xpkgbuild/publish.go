package xpkgbuild

import (
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Refs are the published references.
type Refs struct {
	// Where each package and the image were pushed.
	Function, Configuration, APIImage string
	// The configuration's reference as a management cluster installs it
	// (examples/management/configuration.yaml); equal to Configuration
	// unless the packages were pushed to a mirror of DefaultRegistry.
	InstallConfiguration string
}

// Publish pushes the function packages (as one multi-platform index), the
// configuration package and, if apiImage is set, the API image tarball.
// Every push authenticates with the standard Docker credential chain
// (authn.DefaultKeychain: $DOCKER_CONFIG/config.json, credential helpers),
// which `crane auth login` or `docker login` fills; crossplane xpkg push
// reads the same chain.
func (b *Builder) Publish(ctx context.Context, p *Packages, apiImage string) (*Refs, error) {
	r := &Refs{
		Function:             fmt.Sprintf("%s/%s:%s", b.Registry, FunctionName, b.Version),
		Configuration:        fmt.Sprintf("%s/%s:%s", b.Registry, ConfigurationName, b.Version),
		InstallConfiguration: fmt.Sprintf("%s/%s:%s", DefaultRegistry, ConfigurationName, b.Version),
	}
	if err := b.xpkgPush(ctx, p.Function, r.Function); err != nil {
		return nil, err
	}
	if err := b.xpkgPush(ctx, []string{p.Configuration}, r.Configuration); err != nil {
		return nil, err
	}
	if apiImage != "" {
		r.APIImage = fmt.Sprintf("%s/%s:%s", b.Registry, APIImageName, b.Version)
		img, err := tarball.ImageFromPath(apiImage, nil)
		if err != nil {
			return nil, fmt.Errorf("read API image %s: %w", apiImage, err)
		}
		ref, err := name.ParseReference(r.APIImage)
		if err != nil {
			return nil, err
		}
		if err := remote.Write(ref, img, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)); err != nil {
			return nil, fmt.Errorf("push %s: %w (log in first: crane auth login %s)", r.APIImage, err, ref.Context().RegistryStr())
		}
	}
	return r, nil
}

func (b *Builder) xpkgPush(ctx context.Context, files []string, ref string) error {
	args := []string{"xpkg", "push", "--package-files=" + strings.Join(files, ","), ref}
	cmd := exec.CommandContext(ctx, b.CLI, args...)
	if o, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("crossplane %s: %w\n%s", strings.Join(args, " "), err, o)
	}
	return nil
}
