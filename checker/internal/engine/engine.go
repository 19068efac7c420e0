// Package engine compiles the Rego policies once and evaluates each file's
// normalised VM facts with one prepared query shared by all workers.
package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/internal/saferead"
	"github.com/patchcheck/patchcheck/policies"
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

	// reserved are the packages user modules may not define, nor contain:
	// every package of the loaded tree (rules, their tests, the library),
	// the generated entry points and the profile data. A user module in one
	// of them would merge with it and could replace a built-in rule.
	reserved []ast.Ref
	// builtinIDs maps the upper-cased custom.id of every loaded rule to
	// its package.
	builtinIDs map[string]string
	// userRules maps the package of each user rule module to its file.
	userRules map[string]string
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
	if err := checkCapabilities(p.Capabilities); err != nil {
		return nil, fmt.Errorf("pinned capabilities.json: %w", err)
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
	p.reserve()
	return p, nil
}

// checkCapabilities refuses capabilities that let a policy reach outside
// its input: any host in allow_net (absent means every host to OPA), or a
// built-in that policies.ReviewedBuiltins does not allow. gencaps writes
// the file from the same review; this check keeps a stale or hand-edited
// file from opening the sandbox.
func checkCapabilities(c *ast.Capabilities) error {
	if c.AllowNet == nil {
		return errors.New("allow_net is absent, which lets policies reach every host; want allow_net: []")
	}
	if len(c.AllowNet) > 0 {
		return fmt.Errorf("allow_net lists %s; want allow_net: [] (no host)", strings.Join(c.AllowNet, ", "))
	}
	reviewed := policies.ReviewedBuiltins()
	for _, b := range c.Builtins {
		r, ok := reviewed[b.Name]
		switch {
		case !ok:
			return fmt.Errorf("built-in %s has not been reviewed for policies (policies/builtins.go)", b.Name)
		case !r.Allowed:
			return fmt.Errorf("built-in %s is refused for policies: it %s", b.Name, r.Why)
		}
	}
	return nil
}

// reserve records the packages and rule IDs of the loaded tree, before any
// user module is added.
func (p *Policies) reserve() {
	p.reserved = []ast.Ref{ast.MustParseRef("data.patchcheck.entry"), ast.MustParseRef("data.patchcheck.profiles")}
	p.builtinIDs = map[string]string{}
	p.userRules = map[string]string{}
	for _, mods := range []map[string]*ast.Module{p.Modules, p.Tests} {
		for _, m := range mods {
			if !slices.ContainsFunc(p.reserved, func(r ast.Ref) bool { return r.Equal(m.Package.Path) }) {
				p.reserved = append(p.reserved, m.Package.Path)
			}
			for _, a := range m.Annotations {
				if id, ok := a.Custom["id"].(string); ok && id != "" {
					p.builtinIDs[strings.ToUpper(id)] = strings.TrimPrefix(m.Package.Path.String(), "data.")
				}
			}
		}
	}
}

// checkUserModule refuses a user module that would change the built-in
// policies instead of adding to them: a package of theirs (or one inside
// it, or one holding it) or the ID of a built-in rule. Each refusal names
// the file and line.
func (p *Policies) checkUserModule(file string, m *ast.Module) error {
	path := m.Package.Path
	pkg := strings.TrimPrefix(path.String(), "data.")
	line := m.Package.Location.Row
	for _, r := range p.reserved {
		switch {
		case path.HasPrefix(r):
			return fmt.Errorf("%s:%d: package %s belongs to the built-in policies: give your rules a package of their own, patchcheck.rules.<name>", file, line, pkg)
		case r.HasPrefix(path):
			return fmt.Errorf("%s:%d: package %s holds built-in policies (%s): give your rules a package of their own, patchcheck.rules.<name>", file, line, pkg, strings.TrimPrefix(r.String(), "data."))
		}
	}
	for _, a := range m.Annotations {
		id, _ := a.Custom["id"].(string)
		if owner, taken := p.builtinIDs[strings.ToUpper(id)]; taken && id != "" {
			return fmt.Errorf("%s:%d: custom.id %s is the ID of a built-in rule (package %s): give your rule an ID of its own", file, idLine(m, a), id, owner)
		}
	}
	return nil
}

// idLine finds the line of "id:" in the METADATA block of a, or the
// block's first line.
func idLine(m *ast.Module, a *ast.Annotations) int {
	if a.Location == nil {
		return m.Package.Location.Row
	}
	row := a.Location.Row
	for _, c := range m.Comments {
		switch {
		case c.Location.Row < row:
			continue
		case c.Location.Row > row:
			return a.Location.Row // past the block
		}
		key, _, _ := strings.Cut(strings.TrimSpace(string(c.Text)), ":")
		if key == "id" && c.Location.Row > a.Location.Row {
			return c.Location.Row
		}
		row++
	}
	return a.Location.Row
}

// MaxPolicyFileSize is the largest .rego file AddDir reads: far above any
// hand-written policy.
const MaxPolicyFileSize = 4 << 20

// AddDir adds user policies: every .rego file under dir (tests included),
// with the same METADATA contract and pinned capabilities as the built-in
// rules. Their packages must be patchcheck.rules.<name>, and neither their
// packages nor their rule IDs may be those of the built-in policies (see
// checkUserModule).
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
		// A policy folder is a repository's, so a pull request can put a
		// FIFO or a link to /dev/zero there: regular files only, capped.
		data, err := saferead.File(name, MaxPolicyFileSize)
		if err != nil {
			return fmt.Errorf("read policy %s: %w", name, err)
		}
		m, err := ast.ParseModuleWithOpts(name, string(data), ast.ParserOptions{
			ProcessAnnotation: true, RegoVersion: ast.RegoV1, Capabilities: p.Capabilities,
		})
		if err != nil {
			return fmt.Errorf("parse %s: %w", name, err)
		}
		if err := p.checkUserModule(name, m); err != nil {
			return err
		}
		pkg := m.Package.Path.String()
		if !strings.HasPrefix(pkg, "data.patchcheck.rules.") && !strings.HasSuffix(name, "_test.rego") {
			return fmt.Errorf("%s:%d: package %s: user rules must be in a package patchcheck.rules.<name>", name, m.Package.Location.Row, strings.TrimPrefix(pkg, "data."))
		}
		key := "user:" + name
		if strings.HasSuffix(name, "_test.rego") {
			p.Tests[key] = m
		} else {
			p.Modules[key] = m
			if p.userRules != nil {
				p.userRules[strings.TrimPrefix(pkg, "data.")] = name
			}
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
	for i, r := range e.rules {
		// A built-in ID names a built-in rule: a user rule may not take one.
		pkg, ok := p.builtinIDs[strings.ToUpper(r.ID)]
		e.rules[i].Builtin = ok && pkg == r.Package
		e.byPackage[strings.TrimPrefix(r.Package, "patchcheck.rules.")] = e.rules[i]
	}
	if e.groups, err = prepareGroups(ctx, p, profile, e.rules); err != nil {
		return nil, err
	}
	return e, nil
}

// RuleFor returns the built-in rule that applies to the given input
// member (custom.applies): Go code that reports on something Rego does not
// see per VM, such as the configuration's waivers, finds its rule by what
// it judges rather than by an ID written in Go. A user's rule never
// answers, whatever it declares.
func (e *Engine) RuleFor(applies string) (model.Rule, bool) {
	for _, r := range e.rules {
		if r.Builtin && r.Applies == applies {
			return r, true
		}
	}
	return model.Rule{}, false
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
				if err != nil && ctx.Err() != nil {
					// OPA reports a cancelled evaluation in its own words,
					// or a built-in's ("timed out before generating all
					// numbers"): say why it stopped and where instead.
					return nil, fmt.Errorf("%s on VM %s: %w: %w", g.rules, vm.Name, ErrStopped, stopCause(ctx))
				}
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

// ErrStopped wraps the error of an evaluation that its context ended before
// it finished: a time-out or an interrupt.
var ErrStopped = errors.New("stopped")

// errInterrupted is the cause of a context cancelled without one of its own.
var errInterrupted = errors.New("interrupted")

// stopCause says why ctx ended: its cause when it has one of its own (a
// time-out saying which limit), "interrupted" for a cancellation (an
// interrupt signal, with the signal's own words when there are any).
func stopCause(ctx context.Context) error {
	cause := context.Cause(ctx)
	switch {
	case cause == context.Canceled:
		return errInterrupted
	case errors.Is(cause, context.Canceled):
		return fmt.Errorf("%w (%w)", errInterrupted, cause)
	}
	return cause
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
	if vm.File != "" {
		file = vm.File // a template the input links to
	}
	return model.Finding{
		RuleID: rule.ID, Severity: sev, Title: rule.Title, Message: r.Message, Remediation: rule.Remediation,
		Position: loc.In(file), Pointer: loc.Pointer,
		// Names are substrings of the file's text: clone them so a
		// finding does not keep the whole file in memory.
		Resource: strings.Clone(vm.Name), ResourceType: strings.Clone(vm.Type), ResourcePointer: vm.Loc.Pointer,
		Related: relevant(related), Via: vm.Via, Passed: vm.Passed,
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
