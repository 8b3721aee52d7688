// Package schemavalidate runs crossplane beta validate fully offline: the
// provider CRDs come from the Go module cache (pinned module versions) and
// the Crossplane core CRDs are pre-seeded into validate's cache, so it never
// tries to download a package.
package schemavalidate

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// CrossplaneVersion is the version of the pinned CLI; its core CRDs are the
// built-in schemas.
const CrossplaneVersion = "v2.2.1"

// crossplaneImage names the cache entry validate looks up for built-in schemas.
const crossplaneImage = "xpkg.crossplane.io/crossplane/crossplane:" + CrossplaneVersion

// A CRDSource is a module whose folder holds CRDs, and which files to take.
type CRDSource struct {
	Module string
	Dir    string
	// Prefixes of the CRD file names to take (API groups); empty takes all.
	Prefixes []string
}

// Sources are the CRDs the package's resources are validated against.
var Sources = []CRDSource{
	{
		Module: "github.com/upbound/provider-aws@v1.23.0",
		Dir:    "package/crds",
		Prefixes: []string{"ec2.aws.upbound.io_", "eks.aws.upbound.io_", "iam.aws.upbound.io_", "kms.aws.upbound.io_",
			"rds.aws.upbound.io_", "s3.aws.upbound.io_", "ecr.aws.upbound.io_", "cloudwatchlogs.aws.upbound.io_",
			"budgets.aws.upbound.io_", "secretsmanager.aws.upbound.io_", "aws.upbound.io_"},
	},
	// Cluster-scoped ProviderConfigs and Objects (kubernetes.crossplane.io),
	// not the namespaced kubernetes.m.crossplane.io kinds.
	{
		Module:   "github.com/crossplane-contrib/provider-kubernetes@v1.4.1",
		Dir:      "package/crds",
		Prefixes: []string{"kubernetes.crossplane.io_"},
	},
	{
		Module:   "github.com/crossplane-contrib/provider-helm@v1.2.0",
		Dir:      "package/crds",
		Prefixes: []string{"helm.crossplane.io_"},
	},
}

// Validator validates resources against the XRDs and the CRDs.
type Validator struct {
	CLI   string
	APIs  string
	cache string
	crds  string
}

// New prepares a validator under work: it copies the needed CRDs out of the
// module cache and seeds validate's cache with the core CRDs.
func New(ctx context.Context, cli, apis, work string) (*Validator, error) {
	v := &Validator{CLI: cli, APIs: apis, cache: filepath.Join(work, "cache"), crds: filepath.Join(work, "crds")}
	if err := os.MkdirAll(v.crds, 0o755); err != nil {
		return nil, err
	}
	for _, s := range Sources {
		m, err := Download(ctx, s.Module)
		if err != nil {
			return nil, err
		}
		n, err := m.CopyCRDs(s.Dir, v.crds, s.Prefixes, nil)
		if err != nil {
			return nil, fmt.Errorf("CRDs of %s: %w", s.Module, err)
		}
		if n == 0 {
			return nil, fmt.Errorf("CRDs of %s: none under %s in %s", s.Module, s.Dir, m.Zip)
		}
	}
	coreModule, err := Download(ctx, "github.com/crossplane/crossplane/v2@"+CrossplaneVersion)
	if err != nil {
		return nil, err
	}
	core := coreModule.Dir
	if core == "" {
		return nil, fmt.Errorf("go mod download %s@%s: not extracted", coreModule.Path, coreModule.Version)
	}
	entry := filepath.Join(v.cache, strings.ReplaceAll(crossplaneImage, ":", "@"))
	if err := os.MkdirAll(entry, 0o755); err != nil {
		return nil, err
	}
	var pkg bytes.Buffer
	files, err := filepath.Glob(filepath.Join(core, "cluster", "crds", "*.yaml"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		pkg.WriteString("---\n")
		pkg.Write(b)
	}
	if err := os.WriteFile(filepath.Join(entry, "package.yaml"), pkg.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return v, nil
}

// Validate validates a file or folder of resources. It returns validate's
// report and an error if any resource is invalid.
func (v *Validator) Validate(ctx context.Context, resources string) (string, error) {
	defs, err := filepath.Glob(filepath.Join(v.APIs, "*", "definition.yaml"))
	if err != nil {
		return "", err
	}
	extensions := strings.Join(append(defs, v.crds), ",")
	cmd := exec.CommandContext(ctx, v.CLI, "beta", "validate", extensions, resources,
		"--cache-dir", v.cache, "--crossplane-image", crossplaneImage,
		"--skip-success-results", "--error-on-missing-schemas")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("validation failed: %w\n%s", err, out)
	}
	return string(out), nil
}

// A Module is a module version in the module cache, as go mod download
// -json reports it.
type Module struct{ Path, Version, Dir, Zip, Error string }

// Download fetches a module version into the module cache through the
// module proxy and reports where it is. Read CRDs from the zip, not the
// extracted folder: go refuses to extract a module whose go.mod asks for a
// newer Go than the local toolchain (provider-kubernetes v1.4.1 asks for go
// 1.27.1), so Dir may be empty, but it still downloads and verifies the
// zip, and the CRDs are plain YAML that need no toolchain.
func Download(ctx context.Context, modVersion string) (Module, error) {
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", modVersion)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	var m Module
	if jerr := json.Unmarshal(out, &m); jerr != nil {
		if err != nil {
			return Module{}, fmt.Errorf("go mod download %s: %w", modVersion, err)
		}
		return Module{}, jerr
	}
	if m.Zip == "" {
		return Module{}, fmt.Errorf("go mod download %s: %s", modVersion, m.Error)
	}
	if _, serr := os.Stat(m.Zip); serr != nil {
		return Module{}, fmt.Errorf("go mod download %s: %s: %w", modVersion, m.Error, serr)
	}
	return m, nil
}

// CopyCRDs copies into the folder to the CRD files right under dir in the
// module's zip whose names start with one of prefixes (none: every file)
// and that keep accepts (nil: every CRD). It returns how many it copied.
func (m Module) CopyCRDs(dir, to string, prefixes []string, keep func(crd []byte) bool) (int, error) {
	r, err := zip.OpenReader(m.Zip)
	if err != nil {
		return 0, err
	}
	defer r.Close() // Read only.
	prefix := m.Path + "@" + m.Version + "/" + dir + "/"
	n := 0
	for _, f := range r.File {
		name := strings.TrimPrefix(f.Name, prefix)
		if name == f.Name || strings.Contains(name, "/") || !strings.HasSuffix(name, ".yaml") || !hasPrefix(name, prefixes) {
			continue
		}
		b, err := readZipFile(f)
		if err != nil {
			return n, err
		}
		if keep != nil && !keep(b) {
			continue
		}
		if err := os.WriteFile(filepath.Join(to, name), b, 0o644); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// File reads one file of the module's zip, named by its path in the module.
func (m Module) File(name string) ([]byte, error) {
	r, err := zip.OpenReader(m.Zip)
	if err != nil {
		return nil, err
	}
	defer r.Close() // Read only.
	for _, f := range r.File {
		if f.Name == m.Path+"@"+m.Version+"/"+name {
			return readZipFile(f)
		}
	}
	return nil, fmt.Errorf("%s: no file %s", m.Zip, name)
}

func readZipFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close() // Read only.
	return io.ReadAll(rc)
}

func hasPrefix(name string, prefixes []string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, p := range prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
