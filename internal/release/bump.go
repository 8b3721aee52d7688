package release

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// versionPath is where a claim sets the release it runs.
var versionPath = []string{"spec", "parameters", "workloads", "version"}

// Bump sets spec.parameters.workloads.version of the claim file to version.
// Only that line changes (comments and layout stay as they are), so the
// pull request that releases or reverts is a one-line diff.
func Bump(path, version string) (previous string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	n := &doc
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	for _, k := range versionPath {
		n = child(n, k)
		if n == nil {
			return "", fmt.Errorf("%s has no %s: add it (docs/operations.md)", path, strings.Join(versionPath, "."))
		}
	}
	if n.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("%s: %s is not a string", path, strings.Join(versionPath, "."))
	}
	lines := bytes.Split(b, []byte("\n"))
	line := lines[n.Line-1]
	start := n.Column - 1
	end := start + len(n.Value)
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		end += 2
	}
	if end > len(line) || strings.Trim(string(line[start:end]), `"'`) != n.Value {
		return "", fmt.Errorf("%s line %d: cannot find the version value", path, n.Line)
	}
	lines[n.Line-1] = append(append(append([]byte{}, line[:start]...), version...), line[end:]...)
	return n.Value, os.WriteFile(path, bytes.Join(lines, []byte("\n")), 0o644)
}

func child(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
