package rendertree

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/gokinjo/platform/internal/awssim"
)

// Layers maps each XR kind to its folder under apis/ (definition.yaml and
// composition.yaml).
var Layers = map[string]string{
	"XEnvironment": "environment",
	"XNetwork":     "network",
	"XCluster":     "cluster",
	"XDatabase":    "database",
	"XDataLake":    "datalake",
	"XWorkloads":   "workloads",
}

// Renderer runs crossplane render.
type Renderer struct {
	// CLI is the crossplane binary.
	CLI string
	// APIs is the apis/ folder.
	APIs string
	// Functions is the functions file (Development runtime).
	Functions string
	// Target, if set, overrides the function's address (host:port).
	Target string
	// Work is a scratch folder for the files render reads.
	Work string
	// Sim is the simulated AWS account fixtures are made in; nil means a
	// fresh one per Fixtures call. Sharing one across environments checks
	// that their names never collide.
	Sim *awssim.Account
}

// Render renders one XR with the composition and XRD of its kind and the
// given observed composed resources. It returns the XR (with its full spec)
// first, then the desired composed resources.
func (r *Renderer) Render(ctx context.Context, xr *unstructured.Unstructured, observed []*unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	dir, ok := Layers[xr.GetKind()]
	if !ok {
		return nil, fmt.Errorf("no composition for kind %s", xr.GetKind())
	}
	work, err := os.MkdirTemp(r.Work, "render-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work) // Scratch space.

	xrFile := filepath.Join(work, "xr.yaml")
	if err := WriteYAML(xrFile, []*unstructured.Unstructured{xr}); err != nil {
		return nil, err
	}
	args := []string{"render", xrFile,
		filepath.Join(r.APIs, dir, "composition.yaml"), r.Functions,
		"--xrd", filepath.Join(r.APIs, dir, "definition.yaml"),
		"--include-full-xr", "--timeout", "60s"}
	if len(observed) > 0 {
		obsFile := filepath.Join(work, "observed.yaml")
		if err := WriteYAML(obsFile, observed); err != nil {
			return nil, err
		}
		args = append(args, "--observed-resources", obsFile)
	}
	if r.Target != "" {
		args = append(args, "-a", "render.crossplane.io/runtime-development-target="+r.Target)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, r.CLI, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if _, refusal, ok := strings.Cut(msg, fatalResult); ok {
			return nil, &Refusal{Kind: xr.GetKind(), Name: xr.GetName(), Message: stripXR(refusal, xr)}
		}
		return nil, fmt.Errorf("crossplane render %s %s: %w: %s", xr.GetKind(), xr.GetName(), err, msg)
	}
	return ParseYAML(stdout.Bytes())
}

// fatalResult is how crossplane render reports a function's Fatal result.
const fatalResult = "returned a fatal result: "

// A Refusal is a Fatal result of the function: it refused to compose the XR
// (bad input, a replacement AWS cannot make, a stateful resource it would
// drop). Crossplane keeps everything of that XR as it is.
type Refusal struct {
	Kind, Name string
	Message    string
}

func (r *Refusal) Error() string {
	return fmt.Sprintf("%s %s: the function refuses: %s", r.Kind, r.Name, r.Message)
}

// stripXR drops the `<Kind> "<name>": ` prefix the function puts before a
// refusal: Refusal carries both.
func stripXR(msg string, xr *unstructured.Unstructured) string {
	return strings.TrimPrefix(msg, fmt.Sprintf("%s %q: ", xr.GetKind(), xr.GetName()))
}

// ParseYAML splits a YAML stream into objects.
func ParseYAML(b []byte) ([]*unstructured.Unstructured, error) {
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(b), 4096)
	var out []*unstructured.Unstructured
	for {
		u := &unstructured.Unstructured{}
		if err := d.Decode(&u.Object); err != nil {
			if err == io.EOF {
				return out, nil
			}
			return nil, err
		}
		if len(u.Object) > 0 {
			out = append(out, u)
		}
	}
}

// WriteYAML writes objects as one YAML stream.
func WriteYAML(path string, objs []*unstructured.Unstructured) error {
	b, err := MarshalYAML(objs)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// MarshalYAML encodes objects as one YAML stream.
func MarshalYAML(objs []*unstructured.Unstructured) ([]byte, error) {
	var buf bytes.Buffer
	for _, o := range objs {
		b, err := yaml.Marshal(o.Object)
		if err != nil {
			return nil, err
		}
		buf.WriteString("---\n")
		buf.Write(b)
	}
	return buf.Bytes(), nil
}

// ReadYAML reads a YAML stream; a missing file is an empty stream.
func ReadYAML(path string) ([]*unstructured.Unstructured, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseYAML(b)
}
