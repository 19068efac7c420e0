package engine

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/patchcheck/patchcheck/checker/model"
)

// A group is the rules that need the same input, behind one prepared query.
// Most VMs come from templates and have no instance view, baseline or
// waivers: evaluating those rules for them would only cost time, so a rule
// declares what it needs in METADATA (custom.applies) and runs only for VMs
// that have it. A rule also declares the members of input.vm it reads
// (custom.reads): its group's input holds only those, so a VM's result for
// the group is shared with every VM equal in them, which is far more VMs
// than are equal in everything (see Engine.Evaluate). Built-in rules with
// the same applies and reads share a group; a user rule has one of its own,
// so an evaluation that is stopped can name it.
type group struct {
	query   rego.PreparedEvalQuery
	applies func(*model.VM) bool
	fields  []int // indexes into inputFields, ascending
	id      byte  // prefix of this group's cache keys
	// rules names the group's rules for a user who must know which one
	// an evaluation was in when it stopped.
	rules string
}

// appliesTo maps custom.applies values to the VMs they select.
var appliesTo = map[string]func(*model.VM) bool{
	"":               func(*model.VM) bool { return true },
	"laterSettings":  func(*model.VM) bool { return true }, // gated by the profile when the engine is built
	"agentVersion":   func(vm *model.VM) bool { return vm.AgentVersion.State != "" && vm.AgentVersion.State != model.Absent },
	"patchStatus":    func(vm *model.VM) bool { return vm.PatchStatus != nil },
	"baseline":       func(vm *model.VM) bool { return vm.Baseline != nil },
	"waiverProblems": func(vm *model.VM) bool { return len(vm.WaiverProblems) > 0 },
}

// prepareGroups generates one entrypoint module per group (explicit
// references to each rule package, so no evaluation walks the rule tree)
// and prepares its query once.
func prepareGroups(ctx context.Context, p *Policies, profile string, rules []model.Rule) ([]group, error) {
	later := false
	if prof, ok := p.Profiles[profile].(map[string]any); ok {
		later, _ = prof["laterSettings"].(bool)
	}
	type spec struct {
		applies string
		fields  []int
		members []string
		rules   []model.Rule
	}
	specs := map[string]*spec{}
	for _, r := range rules {
		if _, ok := appliesTo[r.Applies]; !ok {
			return nil, fmt.Errorf("rule %s: custom.applies %q is not one of patchStatus, baseline, agentVersion, waiverProblems, laterSettings", r.ID, r.Applies)
		}
		applies := r.Applies
		if applies == "laterSettings" {
			if !later {
				continue // the profile has no later settings: these rules cannot fire
			}
			applies = "" // every VM needs them under this profile
		}
		fields, err := readFields(r)
		if err != nil {
			return nil, err
		}
		if err := checkReads(p, r); err != nil {
			return nil, err
		}
		name := applies + "|" + fmt.Sprint(fields)
		if _, user := p.userRules[r.Package]; user {
			// Each user rule has a group of its own, so a time-out names
			// it: a user's rule is the likeliest to run away.
			name += "|" + r.Package
		}
		if specs[name] == nil {
			specs[name] = &spec{applies: applies, fields: fields}
		}
		specs[name].members = append(specs[name].members, strings.TrimPrefix(r.Package, "patchcheck.rules."))
		specs[name].rules = append(specs[name].rules, r)
	}
	names := make([]string, 0, len(specs))
	for n := range specs {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) > 255 {
		return nil, fmt.Errorf("%d rule groups: at most 255 are supported", len(names))
	}
	extra := map[string]*ast.Module{}
	for i, n := range names {
		var b strings.Builder
		fmt.Fprintf(&b, "package patchcheck.entry.g%d\n\n", i)
		for _, pkg := range specs[n].members {
			fmt.Fprintf(&b, "findings contains {\"package\": %q, \"finding\": f} if {\n\tsome f in data.patchcheck.rules.%s.deny\n}\n\n", pkg, pkg)
		}
		file := fmt.Sprintf("entry_g%d.rego", i)
		m, err := ast.ParseModuleWithOpts(file, b.String(), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("generate the entrypoint of %s: %w", strings.Join(specs[n].members, ", "), err)
		}
		extra[file] = m
	}
	compiler, err := p.Compile(extra)
	if err != nil {
		return nil, err
	}
	store := p.Store()
	out := make([]group, 0, len(names))
	for i, n := range names {
		query := fmt.Sprintf("data.patchcheck.entry.g%d.findings", i)
		q, err := rego.New(rego.Query(query), rego.Compiler(compiler), rego.Store(store),
			rego.Capabilities(p.Capabilities), rego.StrictBuiltinErrors(true)).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("prepare %s: %w", query, err)
		}
		out = append(out, group{query: q, applies: appliesTo[specs[n].applies], fields: specs[n].fields, id: byte(i),
			rules: describeRules(p, specs[n].rules)})
	}
	return out, nil
}

// describeRules names one rule with its package (and file, for a user
// rule), or several by ID.
func describeRules(p *Policies, rules []model.Rule) string {
	if len(rules) == 1 {
		r := rules[0]
		if file, ok := p.userRules[r.Package]; ok {
			return fmt.Sprintf("rule %s (package %s, %s)", r.ID, r.Package, file)
		}
		return fmt.Sprintf("rule %s (package %s)", r.ID, r.Package)
	}
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	sort.Strings(ids)
	return "one of rules " + strings.Join(ids, ", ")
}

// readFields maps a rule's custom.reads to inputFields indexes; a rule
// that does not say (a user policy, typically) reads every member.
func readFields(r model.Rule) ([]int, error) {
	if r.Reads == nil {
		all := make([]int, len(inputFields))
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	var out []int
	for _, name := range r.Reads {
		i, ok := fieldIndex(name)
		if !ok {
			return nil, fmt.Errorf("rule %s: custom.reads names %q, which is not a member of input.vm (%s)", r.ID, name, fieldNames())
		}
		if !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out, nil
}

// checkReads refuses a rule that names input.vm.X directly, in its own
// package, without listing X in custom.reads: the rule would see X as
// absent. It cannot see reads through an alias (vm := input.vm) or a
// library helper; TestReadsAreComplete covers those for the built-in rules.
func checkReads(p *Policies, r model.Rule) error {
	if r.Reads == nil {
		return nil
	}
	pkg := "data." + r.Package
	var missing []string
	for _, m := range p.Modules {
		if m.Package.Path.String() != pkg {
			continue
		}
		ast.WalkRefs(m, func(ref ast.Ref) bool {
			if len(ref) < 3 || !ref[0].Equal(ast.InputRootDocument) || !ref[1].Equal(ast.StringTerm("vm")) {
				return false
			}
			name, ok := ref[2].Value.(ast.String)
			if ok && !slices.Contains(r.Reads, string(name)) && !slices.Contains(missing, string(name)) {
				missing = append(missing, string(name))
			}
			return false
		})
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("rule %s reads input.vm.%s but its custom.reads does not list it", r.ID, strings.Join(missing, ", input.vm."))
	}
	return nil
}
