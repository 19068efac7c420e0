package engine

import (
	"context"
	"fmt"
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
// that have it. Rules without custom.applies form the base group.
type group struct {
	query   rego.PreparedEvalQuery
	applies func(*model.VM) bool
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
	members := map[string][]string{}
	for _, r := range rules {
		if _, ok := appliesTo[r.Applies]; !ok {
			return nil, fmt.Errorf("rule %s: custom.applies %q is not one of patchStatus, baseline, agentVersion, waiverProblems, laterSettings", r.ID, r.Applies)
		}
		applies := r.Applies
		if applies == "laterSettings" {
			if !later {
				continue // the profile has no later settings: these rules cannot fire
			}
			// Every VM needs them under this profile: one query fewer per VM.
			applies = ""
		}
		members[applies] = append(members[applies], strings.TrimPrefix(r.Package, "patchcheck.rules."))
	}
	names := make([]string, 0, len(members))
	for n := range members {
		names = append(names, n)
	}
	sort.Strings(names)
	extra := map[string]*ast.Module{}
	for _, n := range names {
		var b strings.Builder
		fmt.Fprintf(&b, "package patchcheck.entry.%s\n\n", entryName(n))
		for _, pkg := range members[n] {
			fmt.Fprintf(&b, "findings contains {\"package\": %q, \"finding\": f} if {\n\tsome f in data.patchcheck.rules.%s.deny\n}\n\n", pkg, pkg)
		}
		m, err := ast.ParseModuleWithOpts("entry_"+entryName(n)+".rego", b.String(), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("generate the %s entrypoint: %w", entryName(n), err)
		}
		extra["entry_"+entryName(n)+".rego"] = m
	}
	compiler, err := p.Compile(extra)
	if err != nil {
		return nil, err
	}
	store := p.Store()
	var out []group
	for _, n := range names {
		query := "data.patchcheck.entry." + entryName(n) + ".findings"
		q, err := rego.New(rego.Query(query), rego.Compiler(compiler), rego.Store(store),
			rego.Capabilities(p.Capabilities), rego.StrictBuiltinErrors(true)).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("prepare %s: %w", query, err)
		}
		out = append(out, group{query: q, applies: appliesTo[n]})
	}
	return out, nil
}

func entryName(applies string) string {
	if applies == "" {
		return "base"
	}
	return strings.ToLower(applies)
}
