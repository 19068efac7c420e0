package integrations

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestPreCommitHook: the hook pre-commit installs runs lint in hook mode on
// the files lint reads, and nothing else.
func TestPreCommitHook(t *testing.T) {
	var hooks []struct {
		ID            string `yaml:"id"`
		Name          string `yaml:"name"`
		Description   string `yaml:"description"`
		Entry         string `yaml:"entry"`
		Language      string `yaml:"language"`
		Files         string `yaml:"files"`
		RequireSerial bool   `yaml:"require_serial"`
	}
	readYAML(t, ".pre-commit-hooks.yaml", &hooks, yaml.DisallowUnknownField())
	if len(hooks) != 1 {
		t.Fatalf("%d hooks, want 1", len(hooks))
	}
	h := hooks[0]
	if h.ID != "patchcheck" || h.Language != "golang" {
		t.Errorf("hook id %q language %q, want patchcheck and golang", h.ID, h.Language)
	}
	if !strings.HasPrefix(h.Entry, "patchcheck lint ") || !strings.Contains(h.Entry+" ", " --skip-non-templates ") {
		t.Errorf("entry %q: want patchcheck lint --skip-non-templates", h.Entry)
	}
	files, err := regexp.Compile(h.Files)
	if err != nil {
		t.Fatalf("files %q: %v", h.Files, err)
	}
	for name, want := range map[string]bool{
		"azuredeploy.json": true, "infra/vm.jsonc": true, "main.bicep": true, "package.json": true,
		"README.md": false, "vm.json.bak": false, "fleet.yaml": false, "main.bicepparam": false,
	} {
		if files.MatchString(name) != want {
			t.Errorf("files %q matches %s: %v, want %v", h.Files, name, !want, want)
		}
	}
}

// TestCIDocSnippets: every YAML snippet of docs/ci.md parses, and the
// snippets pin the action and the hook to a release tag, never a branch.
func TestCIDocSnippets(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(data), -1)
	if len(blocks) < 3 {
		t.Fatalf("docs/ci.md has %d YAML snippets, want GitHub, Azure Pipelines and pre-commit", len(blocks))
	}
	tag := `v\d+\.\d+\.\d+`
	checks := map[string]*regexp.Regexp{
		"the action pinned to a release":       regexp.MustCompile(`uses: patchcheck/patchcheck@` + tag + `\n`),
		"the template's repository at a tag":   regexp.MustCompile(`ref: refs/tags/` + tag + `\n`),
		"the hook's rev a release tag":         regexp.MustCompile(`rev: ` + tag + `\b`),
		"the template from that repository":    regexp.MustCompile(`template: integrations/azure-pipelines/patchcheck.yml@patchcheck\n`),
		"other actions pinned by a commit SHA": regexp.MustCompile(`uses: actions/checkout@[0-9a-f]{40} # v`),
	}
	found := map[string]bool{}
	for _, b := range blocks {
		var doc any
		if err := yaml.Unmarshal([]byte(b[1]), &doc); err != nil {
			t.Errorf("docs/ci.md snippet does not parse: %v\n%s", err, b[1])
		}
		if regexp.MustCompile(`@(main|master)\b|rev: (main|master)\b`).MatchString(b[1]) {
			t.Errorf("docs/ci.md snippet follows a branch:\n%s", b[1])
		}
		for name, re := range checks {
			found[name] = found[name] || re.MatchString(b[1])
		}
	}
	for name := range checks {
		if !found[name] {
			t.Errorf("docs/ci.md snippets lack %s", name)
		}
	}
}
