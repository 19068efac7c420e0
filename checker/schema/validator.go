// Package schema validates the patch-relevant part of each VM against the
// embedded JSON Schema and turns violations into PC010 facts with positions.
package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/patchcheck/patchcheck/checker/arm"
	"github.com/patchcheck/patchcheck/checker/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/schemas"
)

// Validator checks VMs against the compiled schema. Safe for concurrent use.
type Validator struct {
	schema *jsonschema.Schema
	raw    any               // the schema document, to read x-message, enum and properties of a failing node
	names  map[string]string // lower-case property name -> the schema's spelling
}

// New compiles the embedded VM schema. The loader serves only embedded
// files, so compiling never reaches the network.
func New() (*Validator, error) {
	fsys := schemas.FS()
	c := jsonschema.NewCompiler()
	c.LoadURL = func(url string) (io.ReadCloser, error) {
		name, ok := strings.CutPrefix(url, schemas.BaseURL)
		if !ok {
			return nil, fmt.Errorf("schema %s is not embedded (patchcheck never loads schemas from the network)", url)
		}
		return fsys.Open(name)
	}
	url := schemas.BaseURL + schemas.VMPatchSettings
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", schemas.VMPatchSettings, err)
	}
	data, err := fs.ReadFile(fsys, schemas.VMPatchSettings)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", schemas.VMPatchSettings, err)
	}
	var raw any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse %s: %w", schemas.VMPatchSettings, err)
	}
	v := &Validator{schema: s, raw: raw, names: map[string]string{}}
	collectNames(raw, v.names)
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
	instance := map[string]any{"osProfile": v.canonical(vm.OSProfile)}
	err := v.schema.Validate(instance)
	if err == nil {
		return
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		vm.Facts.SchemaErrors = append(vm.Facts.SchemaErrors, model.SchemaError{
			Property: "osProfile", Message: err.Error(), Loc: vm.Facts.Loc,
		})
		return
	}
	var problems []model.SchemaError
	for _, leaf := range leaves(ve) {
		problems = append(problems, v.explain(doc, vm, instance, leaf)...)
	}
	sort.SliceStable(problems, func(i, j int) bool {
		a, b := problems[i].Loc, problems[j].Loc
		return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
	})
	for _, p := range problems {
		vm.Facts.SchemaErrors = append(vm.Facts.SchemaErrors, p)
		invalidate(&vm.Facts, p.Loc.Pointer)
	}
}

func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
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
// reports those; the schema cannot judge them).
func (v *Validator) canonical(val *jsonpos.Value) any {
	switch val.Kind {
	case jsonpos.Object:
		out := make(map[string]any, len(val.Members))
		for _, m := range val.Members {
			if arm.IsExpression(m.Value) {
				continue
			}
			key := m.Key
			if name, ok := v.names[strings.ToLower(key)]; ok {
				key = name
			}
			out[key] = v.canonical(m.Value)
		}
		return out
	case jsonpos.Array:
		out := make([]any, len(val.Items))
		for i, item := range val.Items {
			out[i] = v.canonical(item)
		}
		return out
	}
	return val.Interface()
}
