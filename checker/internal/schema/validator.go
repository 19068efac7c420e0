// Package schema validates the patch-relevant part of each VM against the
// embedded JSON Schema and turns violations into PC010 facts with positions.
package schema

import (
	"sort"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/schemas"
)

// Validator checks VMs against the compiled schema. Safe for concurrent use.
type Validator struct {
	schema *schemas.Compiled
	names  map[string]string // lower-case property name -> the schema's spelling
}

// New compiles the embedded VM schema (without network access).
func New() (*Validator, error) {
	s, err := schemas.Compile(schemas.VMPatchSettings)
	if err != nil {
		return nil, err
	}
	v := &Validator{schema: s, names: map[string]string{}}
	collectNames(s.Document(), v.names)
	return v, nil
}

// collectNames gathers every property name the schema defines, so instance
// keys can be matched case-insensitively as ARM does.
func collectNames(node any, names map[string]string) {
	switch n := node.(type) {
	case map[string]any:
		if props, ok := n["properties"].(map[string]any); ok {
			for k := range props {
				names[strings.ToLower(k)] = k
			}
		}
		for _, child := range n {
			collectNames(child, names)
		}
	case []any:
		for _, child := range n {
			collectNames(child, names)
		}
	}
}

// Check validates vm's osProfile and records violations in vm.Facts: each
// becomes a SchemaError, and a fact whose value is at fault becomes Invalid
// so no other rule reasons from a bad value.
func (v *Validator) Check(doc *jsonpos.Document, vm *arm.VM) {
	if vm.OSProfile == nil {
		return
	}
	instance := map[string]any{"osProfile": v.canonical(vm.OSProfile, vm.Exact, vm.NullIsAbsent)}
	err := v.schema.Validate(instance)
	if err == nil {
		return
	}
	failures, ok := v.schema.Failures(err)
	if !ok {
		vm.Facts.SchemaErrors = append(vm.Facts.SchemaErrors, model.SchemaError{
			Property: "osProfile", Message: err.Error(), Loc: vm.Facts.Loc,
		})
		return
	}
	var problems []model.SchemaError
	for _, f := range failures {
		problems = append(problems, v.explain(doc, vm, instance, f)...)
	}
	sort.SliceStable(problems, func(i, j int) bool {
		a, b := problems[i].Loc, problems[j].Loc
		return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
	})
	for _, p := range problems {
		vm.Facts.SchemaErrors = append(vm.Facts.SchemaErrors, p)
		if p.Severity != model.Warning {
			invalidate(&vm.Facts, p.Loc.Pointer)
		}
	}
}

func invalidate(vm *model.VM, ptr string) {
	for _, f := range []*model.Fact{&vm.PatchMode, &vm.AssessmentMode, &vm.EnableAutomaticUpdates, &vm.ProvisionVMAgent} {
		if f.Loc.Pointer == ptr && f.State == model.Literal {
			f.State = model.Invalid
		}
	}
}

// canonical converts a subtree to plain values with known property names in
// the schema's spelling and unresolved ARM expressions left out (PC011
// reports those; the schema cannot judge them). In an exact subtree (values
// Azure evaluated) nothing is an expression: a "[...]" string is judged as
// the value it is. With nullIsAbsent (Azure's output, which prints null for
// what is not set) a member whose value is null is left out.
func (v *Validator) canonical(val *jsonpos.Value, exact, nullIsAbsent bool) any {
	switch val.Kind {
	case jsonpos.Object:
		out := make(map[string]any, len(val.Members))
		for _, m := range val.Members {
			if !exact && arm.IsExpression(m.Value) || nullIsAbsent && m.Value.Kind == jsonpos.Null {
				continue
			}
			key := m.Key
			if name, ok := v.names[strings.ToLower(key)]; ok {
				key = name
			}
			out[key] = v.canonical(m.Value, exact, nullIsAbsent)
		}
		return out
	case jsonpos.Array:
		out := make([]any, len(val.Items))
		for i, item := range val.Items {
			out[i] = v.canonical(item, exact, nullIsAbsent)
		}
		return out
	}
	return val.Interface()
}
