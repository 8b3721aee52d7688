package rendertree

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/crossplane/crossplane-runtime/pkg/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/internal/facts"
)

// managementSecretsNamespace holds the connection and credential Secrets of
// every environment in the management cluster.
const managementSecretsNamespace = "crossplane-system"

// nameRefs finds AWS names inside strings: bucket and IAM role ARNs (in
// policy documents, IRSA annotations and Helm values).
var nameRefs = regexp.MustCompile(`arn:aws[a-z-]*:s3:::[a-z0-9.-]+|:role/[A-Za-z0-9+=,.@_-]+`)

// namesOf collects every name of a rendered environment that must be its
// own: AWS names (external names, RDS identifiers, names inside ARNs and
// policies) and management-cluster names (cluster-scoped objects, connection
// and credential Secrets). A Release's external name is the Helm release in
// the environment's own EKS cluster, so it is not one of them.
func namesOf(objs []*unstructured.Unstructured) map[string]string {
	names := map[string]string{}
	add := func(what, n string) {
		if n != "" {
			names[n] = what
		}
	}
	for i, o := range objs {
		if i == 0 {
			continue // the XEnvironment itself: named by Crossplane, not by the function
		}
		kind := o.GetKind()
		if o.GetGenerateName() == "" {
			// A name the function chose; Crossplane generates the others
			// with a random suffix.
			add(kind+" metadata.name", o.GetName())
		}
		if ext := meta.GetExternalName(o); kind != "Release" {
			add(kind+" external name", ext)
		}
		if id, _, _ := unstructured.NestedString(o.Object, "spec", "forProvider", "identifier"); id != "" {
			add(kind+" identifier", id)
		}
		if fs, _, _ := unstructured.NestedString(o.Object, "spec", "forProvider", "finalSnapshotIdentifier"); fs != "" {
			add(kind+" final snapshot", fs)
		}
		walk(o.Object, func(m map[string]any) {
			if m["namespace"] == managementSecretsNamespace {
				if n, ok := m["name"].(string); ok {
					add(kind+" secret", managementSecretsNamespace+"/"+n)
				}
			}
		}, func(s string) {
			for _, ref := range nameRefs.FindAllString(s, -1) {
				add(kind+" ARN", ref)
			}
		})
	}
	return names
}

func walk(v any, onMap func(map[string]any), onString func(string)) {
	switch t := v.(type) {
	case map[string]any:
		onMap(t)
		for _, e := range t {
			walk(e, onMap, onString)
		}
	case []any:
		for _, e := range t {
			walk(e, onMap, onString)
		}
	case string:
		onString(t)
	}
}

// variant is an example claim with another namespace, name or region.
func variant(t *testing.T, env, namespace, name, region string, zones ...string) *unstructured.Unstructured {
	t.Helper()
	c, err := ReadObject(filepath.Join(repo, "examples", "claims", env+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c.SetNamespace(namespace)
	c.SetName(name)
	if region != "" {
		_ = unstructured.SetNestedField(c.Object, region, "spec", "parameters", "region")
		z := make([]any, len(zones))
		for i := range zones {
			z[i] = zones[i]
		}
		_ = unstructured.SetNestedSlice(c.Object, z, "spec", "parameters", "network", "availabilityZones")
	}
	return c
}

// renderReady renders a claim's whole tree once every layer is ready, so
// everything it ever composes is there.
func renderReady(ctx context.Context, t *testing.T, r *Renderer, claim *unstructured.Unstructured) []*unstructured.Unstructured {
	t.Helper()
	st, err := StageNamed("ready")
	if err != nil {
		t.Fatal(err)
	}
	fx, err := r.Fixtures(ctx, claim, st.ReadySet())
	if err != nil {
		t.Fatalf("%s/%s: %v", claim.GetNamespace(), claim.GetName(), err)
	}
	out, err := r.Tree(ctx, claim, fx)
	if err != nil {
		t.Fatalf("%s/%s: %v", claim.GetNamespace(), claim.GetName(), err)
	}
	return out
}

// TestNamesUniquePerClaim renders pairs of claims that used to share every
// name through the real function and asserts that no AWS name (regional or
// account-wide) and no management-cluster name is shared, and that every
// name fits its AWS limit.
func TestNamesUniquePerClaim(t *testing.T) {
	r, _ := harness(t)
	ctx := context.Background()
	tokyo := variant(t, "prod", "team-a", "gokinjo", "")
	pairs := map[string][2]*unstructured.Unstructured{
		"SameNameTwoNamespaces":    {variant(t, "dev", "team-a", "gokinjo", ""), variant(t, "dev", "team-b", "gokinjo", "")},
		"SameNamespaceTwoNames":    {variant(t, "dev", "team-a", "gokinjo", ""), variant(t, "dev", "team-a", "gokinjo-2", "")},
		"SameEnvironmentTwoRegion": {tokyo, variant(t, "prod", "team-a", "gokinjo", "us-east-1", "us-east-1a", "us-east-1b", "us-east-1c")},
	}
	rendered := map[string][]*unstructured.Unstructured{}
	render := func(c *unstructured.Unstructured) []*unstructured.Unstructured {
		region, _, _ := unstructured.NestedString(c.Object, "spec", "parameters", "region")
		env, _, _ := unstructured.NestedString(c.Object, "spec", "parameters", "environment")
		key := fmt.Sprintf("%s/%s %s %s", c.GetNamespace(), c.GetName(), env, region)
		if _, ok := rendered[key]; !ok {
			rendered[key] = renderReady(ctx, t, r, c)
		}
		return rendered[key]
	}
	for name, p := range pairs {
		t.Run(name, func(t *testing.T) {
			a, b := namesOf(render(p[0])), namesOf(render(p[1]))
			if len(a) < 50 || len(b) < 50 {
				t.Fatalf("too few names collected (%d, %d): the collection is broken", len(a), len(b))
			}
			var shared []string
			for n, what := range a {
				if _, ok := b[n]; ok {
					shared = append(shared, fmt.Sprintf("%s (%s)", n, what))
				}
			}
			sort.Strings(shared)
			if len(shared) > 0 {
				t.Errorf("%s/%s and %s/%s share %d names:\n%s", p[0].GetNamespace(), p[0].GetName(), p[1].GetNamespace(), p[1].GetName(), len(shared), strings.Join(shared, "\n"))
			}
		})
	}
	// Two dev claims in one account: each budget counts its own claim's
	// spend only (the Environment tag value is the same for both).
	t.Run("BudgetsApart", func(t *testing.T) {
		p := pairs["SameNameTwoNamespaces"]
		if problems := budgetsApart(render(p[0]), render(p[1])); len(problems) > 0 {
			t.Errorf("two dev claims in one account: budgets and bills disagree (%d):\n%s", len(problems), strings.Join(problems, "\n"))
		}
	})
	t.Run("WithinAWSLimits", func(t *testing.T) {
		for key, objs := range rendered {
			for _, problem := range overLimit(objs) {
				t.Errorf("%s: %s", key, problem)
			}
		}
	})
}

// limitOf maps each kind whose name the function chooses to its AWS limit
// in facts/data/limits.yaml.
var limitOf = map[string]string{
	"s3.aws.upbound.io/Bucket":            "s3Bucket",
	"rds.aws.upbound.io/Instance":         "rdsIdentifier",
	"rds.aws.upbound.io/SubnetGroup":      "rdsSubnetGroup",
	"rds.aws.upbound.io/ParameterGroup":   "rdsParameterGroup",
	"iam.aws.upbound.io/Role":             "iamRole",
	"iam.aws.upbound.io/RolePolicy":       "iamInlinePolicy",
	"iam.aws.upbound.io/Policy":           "iamPolicy",
	"eks.aws.upbound.io/Cluster":          "eksCluster",
	"eks.aws.upbound.io/NodeGroup":        "eksNodeGroup",
	"ecr.aws.upbound.io/Repository":       "ecrRepository",
	"cloudwatchlogs.aws.upbound.io/Group": "logGroup",
	"budgets.aws.upbound.io/Budget":       "budget",
	"kms.aws.upbound.io/Alias":            "kmsAlias",
	"helm.crossplane.io/Release":          "helmRelease",
	"ec2.aws.upbound.io/SecurityGroup":    "securityGroup",
}

// overLimit names every function-chosen name that breaks its AWS limit, and
// every kind named by the function that has no known limit.
func overLimit(objs []*unstructured.Unstructured) []string {
	var problems []string
	for _, o := range objs[1:] {
		gk := o.GroupVersionKind().Group + "/" + o.GetKind()
		name := meta.GetExternalName(o)
		if id, _, _ := unstructured.NestedString(o.Object, "spec", "forProvider", "identifier"); id != "" {
			name = id
		}
		if gk == "ec2.aws.upbound.io/SecurityGroup" {
			name, _, _ = unstructured.NestedString(o.Object, "spec", "forProvider", "name")
		}
		if name == "" {
			continue
		}
		key, ok := limitOf[gk]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s %q: the function names it but no limit is known: add it to limitOf and facts/data/limits.yaml", gk, name))
			continue
		}
		l, ok := facts.Limits.Names[key]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: no limit %q in facts/data/limits.yaml", gk, key))
			continue
		}
		if len(name) < l.Min || len(name) > l.Max {
			problems = append(problems, fmt.Sprintf("%s %q is %d characters: %s allows %d to %d", gk, name, len(name), key, l.Min, l.Max))
		}
		if l.Pattern != "" && !regexp.MustCompile(l.Pattern).MatchString(name) {
			problems = append(problems, fmt.Sprintf("%s %q breaks the %s rule: %s", gk, name, key, l.Rule))
		}
		problems = append(problems, overLimitField(o, gk)...)
	}
	return problems
}

// namedFields are names the function chooses in fields other than the
// external name: kind -> forProvider field -> limit.
var namedFields = map[string]map[string]string{
	"rds.aws.upbound.io/Instance": {"finalSnapshotIdentifier": "rdsSnapshotIdentifier"},
}

func overLimitField(o *unstructured.Unstructured, gk string) []string {
	var problems []string
	for f, key := range namedFields[gk] {
		name, _, _ := unstructured.NestedString(o.Object, "spec", "forProvider", f)
		if name == "" {
			continue
		}
		l, ok := facts.Limits.Names[key]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s %s: no limit %q in facts/data/limits.yaml", gk, f, key))
			continue
		}
		if len(name) < l.Min || len(name) > l.Max || !regexp.MustCompile(l.Pattern).MatchString(name) {
			problems = append(problems, fmt.Sprintf("%s %s %q breaks the %s rule: %d-%d characters, %s", gk, f, name, key, l.Min, l.Max, l.Rule))
		}
	}
	return problems
}

// TestLegacyNamesKept renders the dev claim against observed fixtures made
// before names were unique per claim (testdata/legacy, with the golden
// render of that time) and asserts the upgrade renames nothing: every name
// of the old render is still there, and the prefix stays gokinjo-dev.
func TestLegacyNamesKept(t *testing.T) {
	r, _ := harness(t)
	ctx := context.Background()
	claim, err := ReadObject(filepath.Join(repo, "examples", "claims", "dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fx, err := ReadFixtures(filepath.Join("testdata", "legacy", "dev-ready"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Tree(ctx, claim, fx)
	if err != nil {
		t.Fatal(err)
	}
	old, err := ReadYAML(filepath.Join("testdata", "legacy", "dev-ready.golden.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got, want := namesOf(out), namesOf(old)
	if len(want) < 50 {
		t.Fatalf("only %d names in the old render: the collection is broken", len(want))
	}
	// Gone on purpose, each for a reason an upgrade should carry out:
	gone := map[string]bool{
		// The database credentials Object of earlier versions stored a
		// misplaced manifest field no apply can remove, so a new Object
		// (and Secret) replaces it (workloads.compDBSecret).
		"gokinjo-dev-db-secret": true,
		// The API's IRSA role, its policy and its AWS egress: the API calls
		// no AWS API, so least privilege removes them.
		"gokinjo-dev-irsa-api":              true,
		"gokinjo-dev-netpol-api-aws-egress": true,
		"api-aws-egress":                    true,
	}
	var missing []string
	for n, what := range want {
		if _, ok := got[n]; !ok && !gone[n] {
			missing = append(missing, fmt.Sprintf("%s (%s)", n, what))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("the upgrade renames %d names of an existing environment:\n%s", len(missing), strings.Join(missing, "\n"))
	}
	if prefix, _, _ := unstructured.NestedString(out[0].Object, "status", "namePrefix"); prefix != "gokinjo-dev" {
		t.Errorf("status.namePrefix: want gokinjo-dev for an existing environment, got %q", prefix)
	}
}
