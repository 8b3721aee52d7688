package plan

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/functions/gokinjo/costreport"
	"github.com/gokinjo/platform/internal/rendertree"
)

// repo is the repository root, seen from this package.
const repo = "../.."

// shared is the real function, built and started once for every test.
var shared struct {
	once sync.Once
	r    *rendertree.Renderer
	fn   *rendertree.Function
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.fn != nil {
		shared.fn.Stop()
	}
	_ = os.RemoveAll(shared.dir)
	os.Exit(code)
}

// renderer returns a renderer with the real crossplane CLI (make tools) and
// the function built from this tree.
func renderer(t testing.TB) *rendertree.Renderer {
	t.Helper()
	shared.once.Do(func() { shared.err = setUp() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.r
}

func setUp() error {
	root, err := filepath.Abs(repo)
	if err != nil {
		return err
	}
	cli := filepath.Join(root, "bin", "crossplane")
	if _, err := os.Stat(cli); err != nil {
		return fmt.Errorf("the crossplane CLI is missing at %s: run make tools first", cli)
	}
	if shared.dir, err = os.MkdirTemp("", "plan-test-"); err != nil {
		return err
	}
	bin := filepath.Join(shared.dir, "function-gokinjo")
	if err := rendertree.BuildFunction(context.Background(), root, bin); err != nil {
		return err
	}
	if shared.fn, err = rendertree.StartFunction(context.Background(), bin); err != nil {
		return err
	}
	shared.r = &rendertree.Renderer{CLI: cli, APIs: filepath.Join(root, "apis"),
		Functions: filepath.Join(root, "examples", "render", "functions.yaml"), Target: shared.fn.Addr, Work: shared.dir}
	return nil
}

// claim reads an example claim and applies edits (dotted paths below
// spec.parameters).
func claim(t testing.TB, env string, edits map[string]any) *unstructured.Unstructured {
	t.Helper()
	c, err := rendertree.ReadObject(filepath.Join(repo, "examples", "claims", env+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for path, v := range edits {
		if err := unstructured.SetNestedField(c.Object, v, append([]string{"spec", "parameters"}, strings.Split(path, ".")...)...); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func observed(t testing.TB, env, stage string) rendertree.Fixtures {
	t.Helper()
	if stage == "" {
		return rendertree.Fixtures{}
	}
	fx, err := rendertree.ReadFixtures(rendertree.FixtureDir(filepath.Join(repo, "examples", "observed"), env, stage))
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

func TestMake(t *testing.T) {
	type want struct {
		exit int
		// updates are layer/resource of every update, in plan order;
		// nil means not checked.
		updates []string
		// fields are the changed field paths of the first update.
		fields []string
		// refusal is part of the message of a refusal of refusalLayer.
		refusalLayer, refusal string
		// added and removed cost lines (names), nil means no cost change.
		added, removed []string
		text           string
	}
	cases := map[string]struct {
		reason string
		env    string
		stage  string
		edits  map[string]any
		want   want
	}{
		"NoChangeDev":     {reason: "The example claim against its own ready fixture changes nothing.", env: "dev", stage: "ready", want: want{exit: 0, updates: []string{}, text: "Plan: no changes."}},
		"NoChangeStaging": {reason: "The example claim against its own ready fixture changes nothing.", env: "staging", stage: "ready", want: want{exit: 0, updates: []string{}, text: "Plan: no changes."}},
		"NoChangeProd":    {reason: "The example claim against its own ready fixture changes nothing.", env: "prod", stage: "ready", want: want{exit: 0, updates: []string{}, text: "Plan: no changes."}},
		"NodeGroupResize": {
			reason: "Raising a node group's minimum above the size it runs at is one in-place update of that node group that carries the running size raised to the new minimum (EKS refuses a desired size outside the range), and costs more at the minimum.",
			env:    "prod", stage: "ready",
			edits: map[string]any{"cluster.nodeGroups.general.minSize": int64(3), "cluster.nodeGroups.general.desiredSize": int64(3)},
			want: want{exit: 2, updates: []string{"cluster/node-group-general"},
				fields:  []string{"spec.forProvider.scalingConfig[0].desiredSize", "spec.forProvider.scalingConfig[0].minSize", "spec.initProvider.scalingConfig[0].desiredSize"},
				added:   []string{"node group general (t3.large x 3-4)", "node root volumes (gp2)"},
				removed: []string{"node group general (t3.large x 2-4)", "node root volumes (gp2)"},
				text:    "~ NodeGroup \"node-group-general\"\n      spec.forProvider.scalingConfig[0].desiredSize: (none) -> 3\n      spec.forProvider.scalingConfig[0].minSize: 2 -> 3"},
		},
		"CIDRChange": {
			reason: "A new VPC CIDR can only be made by replacing the VPC and subnets: the function refuses, and the plan says so with its message; nothing else changes (the network policies keep admitting the VPC that exists).",
			env:    "prod", stage: "ready",
			edits: map[string]any{"network.cidr": "10.9.0.0/16"},
			want: want{exit: 1, updates: []string{}, refusalLayer: "network", refusal: `VPC "vpc": cidrBlock would change from 10.0.0.0/16 to 10.9.0.0/16`,
				text: "! network: refusing changes that AWS can only make by replacing existing resources"},
		},
		"BiggerRDSClass": {
			reason: "A bigger RDS class updates the primary and the replica in place and shows the cost lines that change.",
			env:    "prod", stage: "ready",
			edits: map[string]any{"database.instanceClass": "db.r6g.xlarge"},
			want: want{exit: 2, updates: []string{"database/instance", "database/instance-replica"},
				fields:  []string{"spec.forProvider.instanceClass"},
				added:   []string{"RDS primary (db.r6g.xlarge, Multi-AZ)", "RDS read replica (db.r6g.xlarge)"},
				removed: []string{"RDS primary (db.r6g.large, Multi-AZ)", "RDS read replica (db.r6g.large)"},
				text:    `spec.forProvider.instanceClass: "db.r6g.large" -> "db.r6g.xlarge"`},
		},
		"StorageShrink": {
			reason: "RDS never shrinks storage: the one-way guard refuses, naming the claim field.",
			env:    "dev", stage: "ready",
			edits: map[string]any{"database.allocatedStorage": int64(20)},
			want:  want{exit: 1, refusalLayer: "database", refusal: "database.allocatedStorage: Instance \"instance\" runs 50 and the claim asks 20"},
		},
		"NewEnvironment": {
			reason: "Nothing observed: everything is created, and the cost goes from nothing to the estimate, the same as the function's own (status.cost, workloads layer included though its XR is composed later).",
			env:    "dev", stage: "",
			want: want{exit: 2, updates: []string{}, text: "Monthly cost (USD, min-max): 0 -> 347-798"},
		},
	}
	r := renderer(t)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Make(context.Background(), r, claim(t, tc.env, tc.edits), "", observed(t, tc.env, tc.stage))
			if err != nil {
				t.Fatalf("%s\nMake: %v", tc.reason, err)
			}
			var text bytes.Buffer
			if err := p.Text(&text); err != nil {
				t.Fatal(err)
			}
			if got := p.ExitCode(); got != tc.want.exit {
				t.Errorf("%s\nExitCode() = %d, want %d\n%s", tc.reason, got, tc.want.exit, text.String())
			}
			if tc.want.updates != nil {
				var got []string
				for _, l := range p.Layers {
					for _, u := range l.Update {
						got = append(got, l.Name+"/"+u.Resource)
					}
				}
				if strings.Join(got, ",") != strings.Join(tc.want.updates, ",") {
					t.Errorf("%s\nupdates = %v, want %v\n%s", tc.reason, got, tc.want.updates, text.String())
				}
				if len(tc.want.updates) > 0 && tc.want.exit != 1 && creates(p)+deletes(p) != 0 {
					t.Errorf("%s\nwant only updates, got %s", tc.reason, p.Summary())
				}
			}
			if tc.want.fields != nil {
				var got []string
				for _, f := range firstUpdate(p).Fields {
					got = append(got, f.Path)
				}
				if strings.Join(got, ",") != strings.Join(tc.want.fields, ",") {
					t.Errorf("%s\nfields = %v, want %v", tc.reason, got, tc.want.fields)
				}
			}
			if tc.want.refusal != "" {
				found := false
				for _, rf := range p.Refusals {
					found = found || (rf.Layer == tc.want.refusalLayer && strings.Contains(rf.Message, tc.want.refusal))
				}
				if !found {
					t.Errorf("%s\nrefusals = %+v, want one of layer %s containing %q", tc.reason, p.Refusals, tc.want.refusalLayer, tc.want.refusal)
				}
			} else if len(p.Refusals) > 0 {
				t.Errorf("%s\nunexpected refusals %+v", tc.reason, p.Refusals)
			}
			if got := names(p.Cost.Added); strings.Join(got, ",") != strings.Join(tc.want.added, ",") && tc.stage != "" {
				t.Errorf("%s\nadded cost lines = %v, want %v", tc.reason, got, tc.want.added)
			}
			if got := names(p.Cost.Removed); strings.Join(got, ",") != strings.Join(tc.want.removed, ",") {
				t.Errorf("%s\nremoved cost lines = %v, want %v", tc.reason, got, tc.want.removed)
			}
			// The totals move by exactly the lines that change.
			var delta float64
			for _, l := range p.Cost.Added {
				delta += l.Min
			}
			for _, l := range p.Cost.Removed {
				delta -= l.Min
			}
			if d := p.Cost.AfterMin - p.Cost.BeforeMin - delta; d > 0.01 || d < -0.01 {
				t.Errorf("%s\ncost moved by %.2f, the changed lines by %.2f", tc.reason, p.Cost.AfterMin-p.Cost.BeforeMin, delta)
			}
			if !strings.Contains(text.String(), tc.want.text) {
				t.Errorf("%s\ntext does not contain %q:\n%s", tc.reason, tc.want.text, text.String())
			}
		})
	}
}

func firstUpdate(p *Plan) Change {
	for _, l := range p.Layers {
		if len(l.Update) > 0 {
			return l.Update[0]
		}
	}
	return Change{}
}

func creates(p *Plan) (n int) {
	for _, l := range p.Layers {
		n += len(l.Create)
	}
	return n
}

func deletes(p *Plan) (n int) {
	for _, l := range p.Layers {
		n += len(l.Delete)
	}
	return n
}

func names(ls []costreport.Line) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}
