package engine

import (
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/patchcheck/patchcheck/checker/model"
)

// inputValue builds the Rego input for one VM directly as AST values, with
// only the members of input.vm listed in fields: a JSON round trip (what
// ast.InterfaceToValue does for structs) would cost more than evaluating
// the rules. Positions are never part of it: rules name the fact a finding
// is about and Go adds where it is, so VMs that differ only in where they
// stand are the same input (see Engine's result cache).
func (m *members) inputValue(profile string, fields []int) ast.Value {
	items := make([][2]*ast.Term, 0, len(fields))
	for _, i := range fields {
		if term := m.get(i); term != nil {
			items = append(items, m.t.item(inputFields[i].name, term))
		}
	}
	return ast.NewObject(
		m.t.item("profile", m.t.str(profile)),
		m.t.item("vm", ast.ObjectTerm(items...)),
	)
}

// members builds the members of one VM's input.vm when first needed, each
// once, so the groups of rules that evaluate the VM share them. Terms are
// never modified once built.
type members struct {
	t     terms
	vm    *model.VM
	terms []*ast.Term
	built []bool
}

func (m *members) get(i int) *ast.Term {
	if m.terms == nil {
		m.terms = make([]*ast.Term, len(inputFields))
		m.built = make([]bool, len(inputFields))
	}
	if !m.built[i] {
		m.terms[i], m.built[i] = inputFields[i].term(m.t, m.vm), true
	}
	return m.terms[i]
}

// terms holds prebuilt terms for the input's keys and frequent values, so
// building an input allocates only what differs between VMs. It is
// read-only after newTerms, so workers share it.
type terms map[string]*ast.Term

func newTerms() terms {
	t := terms{}
	for _, s := range []string{
		"profile", "vm", "property", "expression", "topic", "message", "date", "kind", "os", "value", "source",
		"apiVersion", "patchSettings", "present", "patchMode", "assessmentMode", "enableAutomaticUpdates",
		"provisionVMAgent", "image", "key", "publisher", "offer", "sku", "id", "unresolved", "schemaErrors",
		"copy", "name", "count", "state", "reason", "enableHotpatching", "rebootSetting",
		"bypassPlatformSafetyChecksOnUserSchedule", "orchestrationMode", "automaticOSUpgrade", "healthExtension", "Uniform", "Flexible", "baseline", "waiverProblems", string(model.Resolved),
		string(model.Literal), string(model.Default), string(model.Absent), string(model.Expression), string(model.Hidden), string(model.Invalid),
		"severity", string(model.Warning),
		"windows", "linux", "unknown", model.KindVM, model.KindVMS, model.TopicAny,
		model.ImageMarketplace, model.ImageCustom, model.ImageNone, model.ImageUnresolved,
		"AutomaticByPlatform", "AutomaticByOS", "Manual", "ImageDefault", "",
	} {
		t[s] = ast.StringTerm(s)
	}
	return t
}

// str returns a shared term for a known string, else a new one.
func (t terms) str(s string) *ast.Term {
	if term, ok := t[s]; ok {
		return term
	}
	return ast.StringTerm(s)
}

func (t terms) item(k string, v *ast.Term) [2]*ast.Term { return [2]*ast.Term{t.str(k), v} }

func (t terms) factTerm(f model.Fact) *ast.Term { return ast.ObjectTerm(t.factItems(f)...) }

func (t terms) factItems(f model.Fact) [][2]*ast.Term {
	items := [][2]*ast.Term{
		t.item("state", t.str(string(f.State))),
		t.item("property", t.str(f.Property)),
	}
	switch v := f.Value.(type) {
	case string:
		items = append(items, t.item("value", t.str(v)))
	case bool:
		items = append(items, t.item("value", ast.InternedTerm(v)))
	}
	if f.Expression != "" {
		items = append(items, t.item("expression", t.str(f.Expression)))
	}
	return items
}
