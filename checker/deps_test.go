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
