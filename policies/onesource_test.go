package policies_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/policies"
)

// TestOneSourcePerDomainFact: the minimum Linux agent version, Azure's
// default patch modes and its defaults for the VM agent and automatic
// updates live in the profiles only. Go code under checker/
// and plugins/ reads them from a policies.Profile or from the simulator
// request; a string literal holding the agent version, or holding a default
// mode anywhere but in a list of values (the modes a field accepts), is a
// second source that would not follow the profile. Tests and the
// conformance suite's requests (plugins/simulator/simulatortest, which
// builds test inputs and judges by what they carry) are exempt, as are
// generated files.
func TestOneSourcePerDomainFact(t *testing.T) {
	var agents, modes []string
	for _, name := range []string{"2021-02", "current"} {
		p, err := policies.LoadProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		agents = append(agents, p.MinLinuxAgent)
		d := p.DefaultPatchMode
		modes = append(modes, d.Windows, d.Linux, d.WindowsAutomaticUpdatesOff)
	}
	slices.Sort(agents)
	agents = slices.Compact(agents)
	slices.Sort(modes)
	modes = slices.Compact(modes)
	exempt := filepath.Join("..", "plugins", "simulator", "simulatortest")
	checked := 0
	for _, dir := range []string{"checker", "plugins"} {
		err := filepath.WalkDir(filepath.Join("..", dir), func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && path == exempt:
				return filepath.SkipDir
			case d.IsDir():
				return nil
			case filepath.Base(path) == "plugin.py":
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				for _, a := range agents {
					if strings.Contains(string(data), a) {
						t.Errorf("%s holds the minimum Linux agent %s: read it from the request", path, a)
					}
				}
				checked++
				return nil
			case !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, ".pb.go"):
				return nil
			}
			checked++
			return checkGoFile(t, path, agents, modes)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 50 {
		t.Fatalf("only %d files checked: is the walk looking in the right place?", checked)
	}
}

func checkGoFile(t *testing.T, path string, agents, modes []string) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	listed := map[*ast.BasicLit]bool{} // elements of composite literals
	hardCoded := func(at ast.Node, setting string) {
		t.Errorf("%s: Azure's default for %s is written in Go: read Profile.DefaultSettings", fset.Position(at.Pos()), setting)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if s := defaultedSetting(lhs); s != "" && i < len(n.Rhs) && isBoolLiteral(n.Rhs[i]) {
					hardCoded(n, s)
				}
			}
		case *ast.KeyValueExpr:
			if s := defaultedSetting(n.Key); s != "" && isBoolLiteral(n.Value) {
				hardCoded(n, s)
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if s := defaultedSetting(name); s != "" && i < len(n.Values) && isBoolLiteral(n.Values[i]) {
					hardCoded(n, s)
				}
			}
		case *ast.CallExpr:
			// fleet's v.Setting.or(fromDefaults, builtIn)
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "or" && len(n.Args) > 0 {
				if s := defaultedSetting(sel.X); s != "" && isBoolLiteral(n.Args[len(n.Args)-1]) {
					hardCoded(n, s)
				}
			}
		case *ast.CompositeLit:
			for _, e := range n.Elts {
				if lit, ok := e.(*ast.BasicLit); ok {
					listed[lit] = true
				}
			}
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(n.Value)
			if err != nil {
				return true
			}
			for _, a := range agents {
				if strings.Contains(s, a) {
					t.Errorf("%s: %q holds the minimum Linux agent: read Profile.MinLinuxAgent or Request.MinLinuxAgent", fset.Position(n.Pos()), s)
				}
			}
			if slices.Contains(modes, s) && !listed[n] {
				t.Errorf("%s: %q is a default patch mode outside a list of values: read Profile.DefaultPatchMode or Request.DefaultPatchModes", fset.Position(n.Pos()), s)
			}
		}
		return true
	})
	return nil
}

// defaultedSetting is the setting of Azure's whose default the profile
// holds that e names (x.ProvisionVMAgent.Value, DefaultEnableAutomaticUpdates,
// …), or "".
func defaultedSetting(e ast.Expr) string {
	if sel, ok := e.(*ast.SelectorExpr); ok && sel.Sel.Name == "Value" {
		e = sel.X
	}
	var name string
	switch e := e.(type) {
	case *ast.Ident:
		name = e.Name
	case *ast.SelectorExpr:
		name = e.Sel.Name
	}
	for _, s := range []string{"ProvisionVMAgent", "EnableAutomaticUpdates"} {
		if strings.Contains(strings.ToLower(name), strings.ToLower(s)) {
			return s
		}
	}
	return ""
}

// isBoolLiteral reports whether e is true or false written out.
func isBoolLiteral(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && (id.Name == "true" || id.Name == "false")
}
