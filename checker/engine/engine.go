// Package engine compiles the Rego policies once and evaluates each file's
// normalised VM facts with one prepared query shared by all workers.
package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/patchcheck/patchcheck/checker/model"
)

// Engine holds the prepared query for one knowledge profile.
type Engine struct {
	groups  []group
	profile string
	rules   []model.Rule
	// byPackage maps the last element of a rule's package
	// (patchcheck.rules.NAME) to its catalog entry.
	byPackage map[string]model.Rule
	cache     *resultCache
	terms     terms
}

// Policies is a loaded policy tree: modules, profiles and capabilities.
type Policies struct {
	Modules      map[string]*ast.Module // without tests
	Tests        map[string]*ast.Module // *_test.rego
	Profiles     map[string]any         // profile name -> its data
	Capabilities *ast.Capabilities
}

// Load parses every .rego file of fsys (annotations included), the profiles
// under profiles/ and the pinned capabilities.json.
func Load(fsys fs.FS) (*Policies, error) {
	p := &Policies{Modules: map[string]*ast.Module{}, Tests: map[string]*ast.Module{}, Profiles: map[string]any{}}
	capsData, err := fs.ReadFile(fsys, "capabilities.json")
	if err != nil {
		return nil, fmt.Errorf("read pinned capabilities: %w", err)
	}
	if p.Capabilities, err = ast.LoadCapabilitiesJSON(bytes.NewReader(capsData)); err != nil {
		return nil, fmt.Errorf("parse capabilities.json: %w", err)
	}
	err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		switch {
		case strings.HasSuffix(name, ".rego"):
			m, err := ast.ParseModuleWithOpts(name, string(data), ast.ParserOptions{
				ProcessAnnotation: true, RegoVersion: ast.RegoV1, Capabilities: p.Capabilities,
			})
			if err != nil {
				return fmt.Errorf("parse %s: %w", name, err)
			}
			if strings.HasSuffix(name, "_test.rego") {
				p.Tests[name] = m
			} else {
				p.Modules[name] = m
			}
		case path.Dir(name) == "profiles" && strings.HasSuffix(name, ".json"):
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				return fmt.Errorf("parse %s: %w", name, err)
			}
			p.Profiles[strings.TrimSuffix(path.Base(name), ".json")] = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// AddDir adds user policies: every .rego file under dir (tests included),
// with the same METADATA contract and pinned capabilities as the built-in
// rules. Their packages must be patchcheck.rules.<name>.
func (p *Policies) AddDir(dir string) error {
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("policy folder: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("policy folder %s is not a folder", dir)
	}
	found := 0
	err = filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".rego") {
			return err
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		m, err := ast.ParseModuleWithOpts(name, string(data), ast.ParserOptions{
			ProcessAnnotation: true, RegoVersion: ast.RegoV1, Capabilities: p.Capabilities,
		})
		if err != nil {
			return fmt.Errorf("parse %s: %w", name, err)
		}
		if pkg := m.Package.Path.String(); !strings.HasPrefix(pkg, "data.patchcheck.rules.") && !strings.HasSuffix(name, "_test.rego") {
			return fmt.Errorf("%s: package %s: user rules must be in a package patchcheck.rules.<name>", name, strings.TrimPrefix(pkg, "data."))
		}
		key := "user:" + name
		if strings.HasSuffix(name, "_test.rego") {
			p.Tests[key] = m
		} else {
			p.Modules[key] = m
			found++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if found == 0 {
		return fmt.Errorf("policy folder %s has no .rego rules", dir)
	}
	return nil
}

// ProfileNames lists the available knowledge profiles, sorted.
func (p *Policies) ProfileNames() []string {
	names := make([]string, 0, len(p.Profiles))
	for n := range p.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Store returns an in-memory store holding the profiles at
// data.patchcheck.profiles, returning AST values on read so that no
// evaluation converts the image lists again.
func (p *Policies) Store() storage.Store {
	return inmem.NewFromObjectWithOpts(map[string]any{
		"patchcheck": map[string]any{"profiles": p.Profiles},
	}, inmem.OptRoundTripOnWrite(true), inmem.OptReturnASTValuesOnRead(true))
}

// Compile compiles modules (plus extra, such as tests) with the pinned
// capabilities, so a policy that calls a network built-in fails to compile.
func (p *Policies) Compile(extra map[string]*ast.Module) (*ast.Compiler, error) {
	all := make(map[string]*ast.Module, len(p.Modules)+len(extra))
	for k, m := range p.Modules {
		all[k] = m
	}
	for k, m := range extra {
		all[k] = m
	}
	c := ast.NewCompiler().WithCapabilities(p.Capabilities).WithEnablePrintStatements(false)
	if c.Compile(all); c.Failed() {
		return nil, fmt.Errorf("compile policies: %w", c.Errors)
	}
	return c, nil
}

// New prepares the query for profile.
func New(ctx context.Context, p *Policies, profile string) (*Engine, error) {
	if _, ok := p.Profiles[profile]; !ok {
		return nil, fmt.Errorf("unknown profile %q (available: %s)", profile, strings.Join(p.ProfileNames(), ", "))
	}
	compiler, err := p.Compile(nil)
	if err != nil {
		return nil, err
	}
	e := &Engine{profile: profile, rules: catalog(compiler), byPackage: map[string]model.Rule{}, cache: newResultCache(cacheEntries), terms: newTerms()}
	for _, r := range e.rules {
		e.byPackage[strings.TrimPrefix(r.Package, "patchcheck.rules.")] = r
	}
	if e.groups, err = prepareGroups(ctx, p, profile, e.rules); err != nil {
		return nil, err
	}
	return e, nil
}

// Rule returns the catalog entry of a rule ID.
func (e *Engine) Rule(id string) (model.Rule, bool) {
	for _, r := range e.rules {
		if r.ID == id {
			return r, true
		}
	}
	return model.Rule{}, false
}

// Profile is the knowledge profile this engine evaluates with.
func (e *Engine) Profile() string { return e.profile }

// Rules is the catalog read from the policies' METADATA, sorted by ID.
func (e *Engine) Rules() []model.Rule { return e.rules }

// Evaluate runs every rule on each VM of one file. Each VM is its own input
// per group of rules, holding only the members of input.vm the group reads,
// so rule helpers are computed once per VM and cached by OPA; a group's
// results are reused for every VM equal in those members (policies are
// pure, see capabilities). Safe for concurrent use.
func (e *Engine) Evaluate(ctx context.Context, file string, vms []model.VM) ([]model.Finding, error) {
	var out []model.Finding
	var key keyWriter
	for i := range vms {
		vm := &vms[i]
		input := members{t: e.terms, vm: vm}
		for gi := range e.groups {
			g := &e.groups[gi]
			if !g.applies(vm) {
				continue
			}
			key.b = append(key.b[:0], g.id)
			for _, f := range g.fields {
				inputFields[f].key(&key, vm)
			}
			raw, ok := e.cache.get(key.b)
			if !ok {
				rs, err := g.query.Eval(ctx, rego.EvalParsedInput(input.inputValue(e.profile, g.fields)))
				if err != nil {
					return nil, fmt.Errorf("evaluate policies for %s: %w", vm.Name, err)
				}
				if raw, err = decodeResults(rs); err != nil {
					return nil, fmt.Errorf("evaluate policies for %s: %w", vm.Name, err)
				}
				e.cache.put(string(key.b), raw)
			}
			for _, r := range raw {
				f, err := e.finding(file, vm, r)
				if err != nil {
					return nil, err
				}
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// rawFinding is what a rule returns: which rule package, about which fact,
// saying what.
type rawFinding struct {
	Package, At, Message string
	Severity             model.Severity // empty: the rule's default
}

func decodeResults(rs rego.ResultSet) ([]rawFinding, error) {
	var out []rawFinding
	for _, r := range rs {
		for _, expr := range r.Expressions {
			list, ok := expr.Value.([]any)
			if !ok {
				return nil, fmt.Errorf("a rule entrypoint returned %T, want a set", expr.Value)
			}
			for _, item := range list {
				tagged, _ := item.(map[string]any)
				obj, ok := tagged["finding"].(map[string]any)
				if !ok {
					return nil, fmt.Errorf("a finding is %v, want an object", tagged["finding"])
				}
				var f rawFinding
				f.Package, _ = tagged["package"].(string)
				f.At, _ = obj["at"].(string)
				f.Message, _ = obj["message"].(string)
				sev, _ := obj["severity"].(string)
				f.Severity = model.Severity(sev)
				if f.Package == "" || f.At == "" || f.Message == "" || (sev != "" && f.Severity.Rank() == 0) {
					return nil, fmt.Errorf("malformed finding %v: want at and message, and severity error, warning or info if given", obj)
				}
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// finding completes a rule's result with its METADATA and the position of
// the fact it names.
func (e *Engine) finding(file string, vm *model.VM, r rawFinding) (model.Finding, error) {
	rule, ok := e.byPackage[r.Package]
	if !ok {
		return model.Finding{}, fmt.Errorf("evaluate policies: package patchcheck.rules.%s has no deny rule with METADATA custom.id", r.Package)
	}
	loc, related, ok := vm.Where(r.At)
	if !ok {
		return model.Finding{}, fmt.Errorf("evaluate policies: rule %s names unknown fact %q", rule.ID, r.At)
	}
	sev := r.Severity
	if sev == "" {
		sev = rule.Severity
	}
	return model.Finding{
		RuleID: rule.ID, Severity: sev, Title: rule.Title, Message: r.Message, Remediation: rule.Remediation,
		File: file, Line: loc.Line, Column: loc.Column, Pointer: loc.Pointer,
		// Names are substrings of the file's text: clone them so a
		// finding does not keep the whole file in memory.
		Resource: strings.Clone(vm.Name), ResourceType: strings.Clone(vm.Type), ResourcePointer: vm.Loc.Pointer,
		Related: relevant(related),
	}, nil
}

// maxRelated bounds the places listed for one finding: an expression
// built from a large variable can touch many parameters, and only the first
// few help a reader.
const maxRelated = 4

// relevant de-duplicates the places a value came from and puts first those
// outside the template's own defaults (parameter files, the deployed VM).
func relevant(rs []model.Related) []model.Related {
	if len(rs) == 0 {
		return nil
	}
	out := model.UniqueRelated(rs)
	sort.SliceStable(out, func(i, j int) bool {
		return !strings.HasPrefix(out[i].Message, "default value") && strings.HasPrefix(out[j].Message, "default value")
	})
	return out[:min(len(out), maxRelated)]
}
