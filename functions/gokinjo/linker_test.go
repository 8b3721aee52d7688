package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gokinjo/platform/internal/ociimage"
)

// reflectMethod marks, in the linker's reachability dump, a function that can
// look methods up by name at run time (reflect.Value.MethodByName with a
// computed name, text/template, ...).
const reflectMethod = "<ReflectMethod>"

// TestLinkerDropsUnusedMethods builds the function as its image does, with the
// linker's reachability dump (-ldflags=-dumpdep), and fails if a function
// marked <ReflectMethod> is reachable. The linker then keeps every exported
// method of every type the program uses, and the function has thousands of
// them (the provider-aws types): 61 MB of executable instead of 41 MB on
// 2026-12-01, paged in as it runs. Three dependencies did it then: kong
// (main.go), gRPC's tracing pages (ociimage.BuildTags) and protobuf before
// v1.36.12 under Go 1.26 (golang/protobuf#1704). The path printed is the chain
// of references that reaches the culprit.
func TestLinkerDropsUnusedMethods(t *testing.T) {
	out := filepath.Join(t.TempDir(), "function")
	cmd := exec.Command("go", "build", "-trimpath", "-tags", ociimage.BuildTags,
		"-ldflags", ociimage.LDFlags+" -dumpdep", "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var dump bytes.Buffer
	cmd.Stderr = &dump
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v\n%s", err, tail(dump.String(), 20))
	}
	refs, culprits := reachability(&dump)
	if len(refs) == 0 {
		t.Fatal("the linker printed no reachability dump: did -dumpdep change?")
	}
	for _, c := range culprits {
		t.Errorf("%s is reachable and looks methods up by name, so the linker keeps every exported method.\n"+
			"First references to it (a method reached from its type, type:T -> T.M, is kept because an interface "+
			"method or a MethodByName with a constant name elsewhere names M):\n  %s",
			c, strings.Join(pathTo(refs, c), "\n  <- "))
	}
}

// reachability reads the linker's dump: lines "from -> to", each symbol
// possibly followed by flags like <ReflectMethod>. It returns, for each
// symbol, the first symbol seen referring to it, and the symbols marked
// <ReflectMethod>, in the order the linker reached them.
func reachability(dump *bytes.Buffer) (refs map[string]string, marked []string) {
	refs = map[string]string{}
	seen := map[string]bool{}
	sc := bufio.NewScanner(dump)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	for sc.Scan() {
		from, to, ok := strings.Cut(sc.Text(), " -> ")
		if !ok {
			continue
		}
		for _, s := range []string{from, to} {
			if strings.Contains(s, reflectMethod) && !seen[symbol(s)] {
				seen[symbol(s)] = true
				marked = append(marked, symbol(s))
			}
		}
		if _, ok := refs[symbol(to)]; !ok {
			refs[symbol(to)] = symbol(from)
		}
	}
	return refs, marked
}

// symbol is a dump entry without its flags.
func symbol(entry string) string {
	name, _, _ := strings.Cut(strings.TrimSpace(entry), " <")
	return name
}

// pathTo follows first references back from sym to the linker's roots.
func pathTo(refs map[string]string, sym string) []string {
	path := []string{sym}
	for seen := map[string]bool{sym: true}; ; {
		from, ok := refs[sym]
		if !ok || seen[from] {
			return path
		}
		seen[from] = true
		path = append(path, from)
		sym = from
	}
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
