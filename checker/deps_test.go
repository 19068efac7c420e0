package checker_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPackageBoundaries keeps imports flowing one way: checker and plugins
// never import each other, and neither imports the command.
func TestPackageBoundaries(t *testing.T) {
	const module = "github.com/patchcheck/patchcheck/"
	forbidden := map[string][]string{
		"checker": {module + "plugins", module + "cmd"},
		"plugins": {module + "checker", module + "cmd"},
	}
	for dir, bad := range forbidden {
		root := filepath.Join("..", dir)
		if _, err := os.Stat(root); err != nil {
			continue
		}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				for _, b := range bad {
					if p == b || strings.HasPrefix(p, b+"/") {
						t.Errorf("%s imports %s", path, p)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestPublicSurface keeps the packages other programs may import to those
// meant for them: the linter with its model and report, the configuration
// it takes, the simulator contract with its conformance suite and built-in
// model, the fleet, request and forecast packages the command wires, and
// the embedded policies and schemas. Everything else lives under an
// internal/ folder of the package that owns it; a new public package must
// be added here on purpose.
func TestPublicSurface(t *testing.T) {
	public := map[string]bool{
		"checker": true, "checker/config": true, "checker/model": true, "checker/report": true,
		"plugins/fleet": true, "plugins/forecast": true, "plugins/request": true,
		"plugins/simulator": true, "plugins/simulator/model": true, "plugins/simulator/proto": true,
		"plugins/simulator/reference":     true,
		"plugins/simulator/simulatortest": true,
		"policies":                        true, "schemas": true,
		"integrations": true, // no code: its tests check the CI files
	}
	root := ".."
	found := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if name := d.Name(); name == "testdata" || name == "internal" || (strings.HasPrefix(name, ".") && rel != ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly)
		if err != nil {
			return err
		}
		if f.Name.Name != "main" {
			found[filepath.ToSlash(filepath.Dir(rel))] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pkg := range found {
		if !public[pkg] {
			t.Errorf("%s is a public package: move it under the internal/ folder of the package that owns it, or add it to the public surface on purpose", pkg)
		}
	}
	for pkg := range public {
		if !found[pkg] {
			t.Errorf("%s is listed as public but does not exist", pkg)
		}
	}
}

// TestModelIsALeaf: checker/model is the data every stage of the linter
// exchanges, plugins/simulator/model the data of the simulator contract;
// each imports nothing of the module, so any stage (and the simulator's
// transport, which simulator itself imports) can use it.
func TestModelIsALeaf(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("model", "*.go"))
	more, _ := filepath.Glob(filepath.Join("..", "plugins", "simulator", "model", "*.go"))
	if len(paths) == 0 || len(more) == 0 {
		t.Fatal("no files in checker/model or plugins/simulator/model")
	}
	for _, path := range append(paths, more...) {
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(p, "github.com/patchcheck/patchcheck/") {
				t.Errorf("%s imports %s", path, p)
			}
		}
	}
}
