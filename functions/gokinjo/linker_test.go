package main

import (
	"bufio"
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"runtime"
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
// v1.36.12 under Go 1.26 (golang/protobuf#1704).
func TestLinkerDropsUnusedMethods(t *testing.T) {
	out := filepath.Join(t.TempDir(), "function")
	cmd := ociimage.GoBuildCommand(context.Background(), "go", ".", ".", out, runtime.GOARCH, "-dumpdep")
	var dump bytes.Buffer
	cmd.Stderr = &dump
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v\n%s", err, tail(dump.String(), 20))
	}
	refs, culprits, err := reachability(&dump)
	if err != nil {
		t.Fatalf("reading the linker's dump: %v", err)
	}
	if len(refs) == 0 {
		t.Fatal("the linker printed no reachability dump: did -dumpdep change?")
	}
	if len(culprits) == 0 {
		return
	}
	// The first one the linker reached is a cause: before it, a method of a
	// type in use (type:T -> T.M) is kept only when something calls M by name
	// (an interface method, or a MethodByName with that constant name, as
	// protobuf's MethodByName("Methods") kept Go 1.26's reflect.Value.Methods).
	// After it, every exported method is kept, and the others may be its effect.
	t.Errorf("%s is reachable and looks methods up by name, so the linker keeps every exported method of every type in use "+
		"(%d more marked <ReflectMethod> were reached, perhaps only because of it). Its first references "+
		"(where one is type:T -> T.M, look for what calls M by name):\n  %s",
		culprits[0], len(culprits)-1, strings.Join(pathTo(refs, culprits[0]), "\n  <- "))
}

// reachability reads the linker's dump: lines "from -> to", each symbol
// possibly followed by flags like <ReflectMethod>. The linker prints an edge
// when it first reaches its target, so it returns, for each symbol, the
// symbol that reached it, and the symbols marked <ReflectMethod>, in the
// order the linker reached them.
func reachability(dump *bytes.Buffer) (refs map[string]string, marked []string, err error) {
	refs = map[string]string{}
	sc := bufio.NewScanner(dump)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	for sc.Scan() {
		from, to, ok := strings.Cut(sc.Text(), " -> ")
		if !ok {
			continue
		}
		// Every symbol but the root is printed as a target when reached.
		sym := symbol(to)
		if _, ok := refs[sym]; ok {
			continue
		}
		refs[sym] = symbol(from)
		if strings.Contains(to, reflectMethod) {
			marked = append(marked, sym)
		}
	}
	return refs, marked, sc.Err()
}

// flags are the linker's attributes printed after a symbol's name.
var flags = regexp.MustCompile(`( <[A-Za-z]+>)+$`)

// symbol is a dump entry without its flags (a name can hold " <", as in
// type:func() <-chan struct {}).
func symbol(entry string) string {
	return flags.ReplaceAllString(strings.TrimSpace(entry), "")
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
