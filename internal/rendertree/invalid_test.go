package rendertree

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Annotations of every claim in examples/invalid: where it must be refused
// (admission: the XRD's schema and CEL rules; function: a Fatal result) and
// what the error must say.
const (
	annotationExpectAt    = "platform.gokinjo.io/expect-at"
	annotationExpectError = "platform.gokinjo.io/expect-error"
)

// TestInvalidClaims runs the bad-input catalogue: each claim must be refused
// where it says, with the message it names, and nothing else may refuse it
// first.
func TestInvalidClaims(t *testing.T) {
	r, v := harness(t)
	ctx := context.Background()
	files, err := filepath.Glob(filepath.Join(repo, "examples", "invalid", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid claims found: %v", err)
	}

	// One validate run over the whole catalogue; its report names each claim.
	report, _ := v.Validate(ctx, filepath.Join(repo, "examples", "invalid"))
	errorsOf := func(name string) []string {
		var out []string
		for _, line := range strings.Split(report, "\n") {
			if strings.HasPrefix(line, "[x]") && strings.Contains(line, "Kind=Environment, "+name+" :") {
				out = append(out, line)
			}
		}
		return out
	}

	for _, f := range files {
		claim, err := ReadObject(f)
		if err != nil {
			t.Fatal(err)
		}
		name := claim.GetName()
		t.Run(name, func(t *testing.T) {
			if base := strings.TrimSuffix(filepath.Base(f), ".yaml"); base != name {
				t.Fatalf("%s: the claim must be named after its file (%s)", f, base)
			}
			at, want := claim.GetAnnotations()[annotationExpectAt], claim.GetAnnotations()[annotationExpectError]
			if want == "" {
				t.Fatalf("%s has no %s annotation", f, annotationExpectError)
			}
			got := errorsOf(name)
			switch at {
			case "admission":
				if len(got) == 0 {
					t.Fatalf("%s was admitted; want it refused with %q", name, want)
				}
				if !strings.Contains(strings.Join(got, "\n"), want) {
					t.Errorf("%s: want an admission error containing %q, got:\n%s", name, want, strings.Join(got, "\n"))
				}
			case "function":
				if len(got) != 0 {
					t.Fatalf("%s must pass admission to reach the function, got:\n%s", name, strings.Join(got, "\n"))
				}
				_, err := r.Tree(ctx, claim, nil)
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("%s: want the function to refuse it with %q, got %v", name, want, err)
				}
			default:
				t.Fatalf("%s: %s must be admission or function, got %q", name, annotationExpectAt, at)
			}
		})
	}
	if testing.Verbose() {
		_, _ = os.Stdout.WriteString(report)
	}
}

// TestExampleClaimsValid proves the example claims, and the claims showing
// overrides, pass admission as they are and render.
func TestExampleClaimsValid(t *testing.T) {
	r, v := harness(t)
	ctx := context.Background()
	for _, dir := range []string{"claims", "overrides", "plan"} {
		if report, err := v.Validate(ctx, filepath.Join(repo, "examples", dir)); err != nil {
			t.Fatalf("examples/%s must be admitted: %v\n%s", dir, err, report)
		}
	}
	overrides, _ := filepath.Glob(filepath.Join(repo, "examples", "overrides", "*.yaml"))
	for _, f := range overrides {
		claim, err := ReadObject(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Tree(ctx, claim, nil); err != nil {
			t.Errorf("%s does not render: %v", f, err)
		}
	}
}
