package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/config"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadContext: a context file in YAML or JSON gives its values; a bad
// one is refused with its line and what was expected.
func TestLoadContext(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                map[string]any
		wantErr             string // with the file's name in front
	}{
		{"yaml", "ctx.yaml", "subscription:\n  subscriptionId: 00000000-0000-0000-0000-000000000001\n  displayName: Prod\nresourceGroup:\n  name: rg-web\n  location: westeurope\n  tags: {env: prod}\n",
			map[string]any{"subscription": map[string]any{"subscriptionId": "00000000-0000-0000-0000-000000000001", "displayName": "Prod"},
				"resourceGroup": map[string]any{"name": "rg-web", "location": "westeurope", "tags": map[string]any{"env": "prod"}}}, ""},
		{"json", "ctx.json", `{"tenant": {"tenantId": "t"}, "deployment": {"properties": {"templateLink": {"uri": "https://x.org/main.json"}}}}`,
			map[string]any{"tenant": map[string]any{"tenantId": "t"}, "deployment": map[string]any{"properties": map[string]any{"templateLink": map[string]any{"uri": "https://x.org/main.json"}}}}, ""},
		{"empty", "ctx.yaml", "", map[string]any{}, ""},
		{"misspelt property", "ctx.yaml", "resourceGroup:\n  name: rg\n  locaton: westeurope\n", nil,
			`:3:3: resourceGroup: unknown property "locaton" (did you mean "location"?); expected id, location, managedBy, name, properties, tags`},
		{"misspelt function", "ctx.yaml", "resourcegroup:\n  location: x\n", nil,
			`:1:1: (top level): unknown property "resourcegroup" (did you mean "resourceGroup"?); expected deployment, environment, managementGroup, resourceGroup, subscription, tenant`},
		{"wrong type", "ctx.json", "{\"resourceGroup\": {\n  \"location\": 5}}", nil, ":2:15: resourceGroup.location: expected string, but got number"},
		{"not an object", "ctx.yaml", "subscription: [1]\n", nil, ":1:15: subscription: expected object, but got array"},
		{"a resource group id that is not one", "ctx.yaml", "resourceGroup:\n  id: rg-web\n", nil, ":2:7: resourceGroup.id: "},
		{"too large", "ctx.yaml", "tenant: {}\n" + strings.Repeat("# padding\n", 120_000), nil, "larger than 1 MiB (1200011 bytes): a context file holds a few properties of the deployment"},
		{"deep", "ctx.yaml", "tenant: " + strings.Repeat("[", 100) + strings.Repeat("]", 100), nil, "nested more than 64 levels deep"},
		{"not YAML", "ctx.yaml", "resourceGroup: {name: [\n", nil, "context file "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			writeFile(t, path, tc.content)
			c, err := config.LoadContext(path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %s and saying %q", err, path, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Values, tc.want) || c.Path != path || c.Source != "the context file "+path {
				t.Errorf("got %+v, want values %v", c, tc.want)
			}
		})
	}
	if _, err := config.LoadContext(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "context file ") {
		t.Errorf("a missing file: %v", err)
	}
}

// TestConfigContext: context: in .patchcheck.yaml is a file relative to
// the configuration's folder, or the values inline, checked with the
// configuration's lines.
func TestConfigContext(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "repo", "ctx", "prod.yaml"), "resourceGroup:\n  location: westeurope\n")
	writeFile(t, filepath.Join(dir, "repo", "bad", "prod.yaml"), "resourceGroup:\n  where: westeurope\n")
	tests := []struct {
		name, content string
		want          *config.Context // Source and Path relative to the working directory dir
		wantErr       string
	}{
		{"a file beside the configuration", "context: ctx/prod.yaml\n", &config.Context{Source: "the context file " + filepath.Join("repo", "ctx", "prod.yaml"),
			Path: filepath.Join("repo", "ctx", "prod.yaml"), Values: map[string]any{"resourceGroup": map[string]any{"location": "westeurope"}}}, ""},
		{"inline", "profile: current\ncontext:\n  resourceGroup:\n    name: rg\n", &config.Context{Source: "context: in " + filepath.Join("repo", ".patchcheck.yaml"),
			Values: map[string]any{"resourceGroup": map[string]any{"name": "rg"}}}, ""},
		{"none", "profile: current\n", nil, ""},
		{"inline and misspelt", "profile: current\ncontext:\n  resourceGroup:\n    nmae: rg\n", nil,
			filepath.Join("repo", ".patchcheck.yaml") + `:4:5: context.resourceGroup: unknown property "nmae" (did you mean "name"?)`},
		{"a bad file", "profile: current\ncontext: bad/prod.yaml\n", nil,
			filepath.Join("repo", ".patchcheck.yaml") + ":2:10: context: " + filepath.Join("repo", "bad", "prod.yaml") + `:2:3: resourceGroup: unknown property "where"`},
		{"a missing file", "context: nope.yaml\n", nil, "context file " + filepath.Join("repo", "nope.yaml") + ": no such file"},
		{"neither a file nor values", "context: 3\n", nil, "context: expected string or object"},
		{"an empty path", "context: ''\n", nil, "context: length must be >= 1"},
	}
	t.Chdir(dir)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join("repo", ".patchcheck.yaml")
			writeFile(t, path, tc.content)
			c, err := config.Load(path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Context, tc.want) {
				t.Errorf("context %+v, want %+v", c.Context, tc.want)
			}
		})
	}
}
