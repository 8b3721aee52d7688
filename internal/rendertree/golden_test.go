package rendertree

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/internal/schemavalidate"
)

// update rewrites the golden files and fixtures instead of comparing:
// go test ./internal/rendertree -update
var update = flag.Bool("update", false, "rewrite golden files and observed fixtures")

var envs = []string{"dev", "staging", "prod"}

// repo is the repository root, seen from this package.
const repo = "../.."

// shared is what every test of this package renders with: the real function
// built and started once, and a validator prepared once.
var shared struct {
	once sync.Once
	r    *Renderer
	v    *schemavalidate.Validator
	fn   *Function
	dirs []string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.fn != nil {
		shared.fn.Stop()
	}
	for _, d := range shared.dirs {
		_ = os.RemoveAll(d)
	}
	os.Exit(code)
}

// harness returns the shared renderer and validator. The golden tests need
// the real crossplane CLI: build it with make tools.
func harness(t *testing.T) (*Renderer, *schemavalidate.Validator) {
	t.Helper()
	shared.once.Do(func() { shared.err = setUp() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.r, shared.v
}

func setUp() error {
	cli, err := filepath.Abs(filepath.Join(repo, "bin", "crossplane"))
	if err != nil {
		return err
	}
	if _, err := os.Stat(cli); err != nil {
		return fmt.Errorf("the crossplane CLI is missing at %s: run make tools first", cli)
	}
	tmp := func() (string, error) {
		d, err := os.MkdirTemp("", "rendertree-test-")
		shared.dirs = append(shared.dirs, d)
		return d, err
	}
	binDir, err := tmp()
	if err != nil {
		return err
	}
	ctx := context.Background()
	bin := filepath.Join(binDir, "function-gokinjo")
	if err := BuildFunction(ctx, repo, bin); err != nil {
		return err
	}
	fn, err := StartFunction(ctx, bin)
	if err != nil {
		return err
	}
	shared.fn = fn
	work, err := tmp()
	if err != nil {
		return err
	}
	shared.r = &Renderer{
		CLI:       cli,
		APIs:      filepath.Join(repo, "apis"),
		Functions: filepath.Join(repo, "examples", "render", "functions.yaml"),
		Target:    fn.Addr,
		Work:      work,
	}
	vwork, err := tmp()
	if err != nil {
		return err
	}
	shared.v, err = schemavalidate.New(ctx, cli, shared.r.APIs, vwork)
	return err
}

// TestGolden renders every example claim at every lifecycle stage through the
// real crossplane render and the real function, compares the result with the
// golden file, and validates every rendered resource against the XRDs and
// the provider CRDs.
func TestGolden(t *testing.T) {
	r, v := harness(t)
	ctx := context.Background()
	rendered := t.TempDir()

	if *update {
		// One simulated account for every environment: names must not collide.
		r.Sim = NewSimAccount()
		defer func() { r.Sim = nil }()
	}
	for _, env := range envs {
		claim, err := ReadObject(filepath.Join(repo, "examples", "claims", env+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			for _, st := range Stages {
				if len(st.Ready) == 0 {
					continue
				}
				fx, err := r.Fixtures(ctx, claim, st.ReadySet())
				if err != nil {
					t.Fatalf("%s %s: %v", env, st.Name, err)
				}
				dir := FixtureDir(filepath.Join(repo, "examples", "observed"), env, st.Name)
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				if err := WriteFixtures(dir, fx); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, st := range Stages {
			name := env + "-" + st.Name
			t.Run(name, func(t *testing.T) {
				fx, err := ReadFixtures(FixtureDir(filepath.Join(repo, "examples", "observed"), env, st.Name))
				if err != nil {
					t.Fatal(err)
				}
				out, err := r.Tree(ctx, claim, fx)
				if err != nil {
					t.Fatal(err)
				}
				got, err := MarshalYAML(out)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(rendered, name+".yaml"), got, 0o600); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", "golden", name+".yaml")
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v: run go test ./internal/rendertree -update to create it", err)
				}
				if !bytes.Equal(want, got) {
					t.Errorf("render of %s at stage %s differs from %s (-want, +got); if the change is intended, run go test ./internal/rendertree -update:\n%s",
						env, st.Name, golden, cmp.Diff(string(want), string(got)))
				}
			})
		}
	}

	t.Run("SchemaValid", func(t *testing.T) {
		report, err := v.Validate(ctx, rendered)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(report)
	})
}

// TestFixturesUpToDate regenerates the observed fixtures with the AWS
// simulator and checks the committed ones match, so STAGE=ready renders what
// the current function converges to.
func TestFixturesUpToDate(t *testing.T) {
	if *update {
		t.Skip("fixtures are being rewritten by TestGolden")
	}
	r, _ := harness(t)
	ctx := context.Background()
	// One simulated account for every environment: names must not collide.
	r.Sim = NewSimAccount()
	defer func() { r.Sim = nil }()
	for _, env := range envs {
		claim, err := ReadObject(filepath.Join(repo, "examples", "claims", env+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range Stages {
			if len(st.Ready) == 0 {
				continue
			}
			fx, err := r.Fixtures(ctx, claim, st.ReadySet())
			if err != nil {
				t.Errorf("%s %s: %v", env, st.Name, err)
				continue
			}
			committed, err := ReadFixtures(FixtureDir(filepath.Join(repo, "examples", "observed"), env, st.Name))
			if err != nil {
				t.Fatal(err)
			}
			for kind := range Layers {
				if !same(fx[kind], committed[kind]) {
					t.Errorf("examples/observed/%s/%s/%s is stale: run make fixtures", env, st.Name, kind)
				}
			}
		}
	}
}
