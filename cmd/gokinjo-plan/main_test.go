package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/alecthomas/kong"
)

// TestFlags: every flag is spelt as the help and make plan spell it (kong
// derives --ap-is from a field named APIs unless told otherwise).
func TestFlags(t *testing.T) {
	claim := filepath.Join(t.TempDir(), "claim.yaml")
	if err := os.WriteFile(claim, []byte("kind: Environment\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var c cli
	p, err := kong.New(&c)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{claim, "--kubeconfig", "kc", "--context", "ctx", "-o", "json",
		"--crossplane", "cp", "--function", "fn", "--apis", "apis-dir", "--functions", "fns.yaml"}
	if _, err := p.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	want := cli{Claim: claim, Kubeconfig: "kc", Context: "ctx", Output: "json",
		Crossplane: "cp", Function: "fn", APIs: "apis-dir", Functions: "fns.yaml"}
	if c != want {
		t.Errorf("parsed %+v, want %+v", c, want)
	}
}
