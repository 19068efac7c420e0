package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestIntegrationsUseRealFlags keeps the GitHub action, the Azure Pipelines
// template and the pre-commit hook in step with the CLI: each must be valid
// YAML, and every flag their patchcheck command lines use must exist.
func TestIntegrationsUseRealFlags(t *testing.T) {
	lint := newLintCommand(streams{})
	flag := regexp.MustCompile(`--([a-z][a-z-]*)`)
	for _, file := range []string{"action.yml", "integrations/azure-pipelines/patchcheck.yml", ".pre-commit-hooks.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", file))
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		uses := 0
		for _, line := range strings.Split(string(data), "\n") {
			if !strings.Contains(line, "patchcheck") {
				continue
			}
			for _, m := range flag.FindAllStringSubmatch(line, -1) {
				if lint.Flags().Lookup(m[1]) == nil && m[1] != "file" {
					t.Errorf("%s uses --%s, which patchcheck lint does not have: %s", file, m[1], strings.TrimSpace(line))
				}
				uses++
			}
		}
		if uses == 0 {
			t.Errorf("%s: no patchcheck flags found; is the command line still there?", file)
		}
	}
}
