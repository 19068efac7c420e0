// Package engine compiles the Rego policies once and evaluates each file's
// normalised VM facts with one prepared query shared by all workers.
package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/patchcheck/patchcheck/checker/model"
)

// Query is the single entrypoint every rule package feeds.
const Query = "data.patchcheck.findings"

// Engine holds the prepared query for one knowledge profile.
type Engine struct {
	query   rego.PreparedEvalQuery
	profile string
	rules   []model.Rule
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
	q, err := rego.New(
		rego.Query(Query),
		rego.Compiler(compiler),
		rego.Store(p.Store()),
		rego.Capabilities(p.Capabilities),
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("prepare %s: %w", Query, err)
	}
	return &Engine{query: q, profile: profile, rules: catalog(compiler)}, nil
}

// Profile is the knowledge profile this engine evaluates with.
func (e *Engine) Profile() string { return e.profile }

// Rules is the catalog read from the policies' METADATA, sorted by ID.
func (e *Engine) Rules() []model.Rule { return e.rules }

// Evaluate runs every rule on the VMs of one file. Safe for concurrent use.
func (e *Engine) Evaluate(ctx context.Context, file string, vms []model.VM) ([]model.Finding, error) {
	if len(vms) == 0 {
		return nil, nil
	}
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(inputValue(e.profile, vms)))
	if err != nil {
		return nil, fmt.Errorf("evaluate policies: %w", err)
	}
	var out []model.Finding
	for _, r := range rs {
		for _, expr := range r.Expressions {
			list, ok := expr.Value.([]any)
			if !ok {
				return nil, fmt.Errorf("evaluate policies: %s returned %T, want a set", Query, expr.Value)
			}
			for _, item := range list {
				f, err := decodeFinding(item)
				if err != nil {
					return nil, err
				}
				f.File = file
				out = append(out, f)
			}
		}
	}
	return out, nil
}

func decodeFinding(item any) (model.Finding, error) {
	obj, ok := item.(map[string]any)
	if !ok {
		return model.Finding{}, fmt.Errorf("evaluate policies: a finding is %T, want an object", item)
	}
	str := func(k string) string { s, _ := obj[k].(string); return s }
	num := func(k string) int {
		switch n := obj[k].(type) {
		case json.Number:
			i, _ := n.Int64()
			return int(i)
		case float64:
			return int(n)
		case int:
			return n
		}
		return 0
	}
	f := model.Finding{
		RuleID: str("ruleId"), Severity: model.Severity(str("severity")), Title: str("title"),
		Message: str("message"), Remediation: str("remediation"), Line: num("line"), Column: num("column"),
		Pointer: str("pointer"), Resource: str("resource"), ResourceType: str("resourceType"),
		ResourcePointer: str("resourcePointer"),
	}
	if f.RuleID == "" || f.Severity.Rank() == 0 || f.Line == 0 {
		return f, fmt.Errorf("evaluate policies: malformed finding %v (needs ruleId, a severity of error/warning/info, and a line)", obj)
	}
	return f, nil
}
