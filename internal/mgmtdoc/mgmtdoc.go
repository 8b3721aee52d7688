// Package mgmtdoc reads docs/management-cluster.md the way a new engineer
// follows it: the files it applies, in order. The end-to-end test installs
// the package by applying the same files in the same order, and a test keeps
// every file under examples/management applied by the doc.
package mgmtdoc

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Path is the doc, relative to the repository root.
const Path = "docs/management-cluster.md"

var (
	shBlock = regexp.MustCompile("(?s)```sh\n(.*?)```")
	file    = regexp.MustCompile(`examples/[\w./-]+\.yaml`)
)

// An Apply is one kubectl apply of a file, as the doc writes it.
type Apply struct {
	// File is the applied file, relative to the repository root.
	File string
	// Command is the doc's command line (a sed in front of kubectl apply
	// fills a placeholder).
	Command string
}

// Applies returns every file the doc's shell blocks apply with kubectl
// apply, in order; helm -f values files are not applies.
func Applies(doc []byte) []Apply {
	var out []Apply
	for _, b := range shBlock.FindAllStringSubmatch(string(doc), -1) {
		for _, line := range strings.Split(b[1], "\n") {
			if !strings.Contains(line, "kubectl apply") {
				continue
			}
			for _, f := range file.FindAllString(line, -1) {
				out = append(out, Apply{File: f, Command: strings.TrimSpace(line)})
			}
		}
	}
	return out
}

// Read reads the doc under the repository root and returns its applies.
func Read(root string) ([]Apply, error) {
	b, err := os.ReadFile(filepath.Join(root, Path))
	if err != nil {
		return nil, err
	}
	return Applies(b), nil
}
