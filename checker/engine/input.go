package engine

import (
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/patchcheck/patchcheck/checker/model"
)

// inputValue builds the Rego input for one VM directly as AST values: a
// JSON round trip (what ast.InterfaceToValue does for structs) would cost
// more than evaluating the rules. Field names match model's JSON tags.
// Positions, the resource name and the type's spelling are left out: rules
// name the fact a finding is about and Go adds where it is and which
// resource, so VMs that differ only in those are the same input (see
// Engine's result cache). User policies may want the name and type, so
// they are added when any are loaded.
func (t terms) inputValue(profile string, vm *model.VM, names bool) ast.Value {
	v := t.vmValue(vm)
	if names {
		v.Insert(t.str("name"), ast.StringTerm(vm.Name))
		v.Insert(t.str("type"), ast.StringTerm(vm.Type))
	}
	return ast.NewObject(
		t.item("profile", t.str(profile)),
		t.item("vm", ast.NewTerm(v)),
	)
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
		string(model.Literal), string(model.Default), string(model.Absent), string(model.Expression), string(model.Invalid),
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

func (t terms) vmValue(vm *model.VM) ast.Object {
	unresolved := make([]*ast.Term, len(vm.Unresolved))
	for i, u := range vm.Unresolved {
		unresolved[i] = ast.ObjectTerm(
			t.item("property", t.str(u.Property)),
			t.item("expression", t.str(u.Expression)),
			t.item("topic", t.str(u.Topic)),
			t.item("reason", t.str(u.Reason)),
		)
	}
	waiverProblems := make([]*ast.Term, len(vm.WaiverProblems))
	for i, w := range vm.WaiverProblems {
		waiverProblems[i] = ast.ObjectTerm(t.item("message", ast.StringTerm(w.Message)))
	}
	schemaErrors := make([]*ast.Term, len(vm.SchemaErrors))
	for i, e := range vm.SchemaErrors {
		schemaErrors[i] = ast.ObjectTerm(
			t.item("property", t.str(e.Property)),
			t.item("message", t.str(e.Message)),
		)
	}
	api := t.factItems(vm.APIVersion.Fact)
	api = append(api, t.item("date", t.str(vm.APIVersion.Date)))
	items := [][2]*ast.Term{
		t.item("kind", t.str(vm.Kind)),
		t.item("os", ast.ObjectTerm(t.item("value", t.str(vm.OS.Value)), t.item("source", t.str(vm.OS.Source)))),
		t.item("apiVersion", ast.ObjectTerm(api...)),
		t.item("patchSettings", ast.ObjectTerm(t.item("present", ast.InternedTerm(vm.PatchSettings.Present)))),
		t.item("patchMode", t.factTerm(vm.PatchMode)),
		t.item("assessmentMode", t.factTerm(vm.AssessmentMode)),
		t.item("enableAutomaticUpdates", t.factTerm(vm.EnableAutomaticUpdates)),
		t.item("provisionVMAgent", t.factTerm(vm.ProvisionVMAgent)),
		t.item("image", ast.ObjectTerm(
			t.item("kind", t.str(vm.Image.Kind)),
			t.item("key", t.str(vm.Image.Key)),
			t.item("publisher", t.factTerm(vm.Image.Publisher)),
			t.item("offer", t.factTerm(vm.Image.Offer)),
			t.item("sku", t.factTerm(vm.Image.Sku)),
			t.item("id", t.factTerm(vm.Image.ID)),
		)),
		t.item("healthExtension", ast.InternedTerm(vm.HealthExtension)),
		t.item("unresolved", ast.ArrayTerm(unresolved...)),
		t.item("schemaErrors", ast.ArrayTerm(schemaErrors...)),
		t.item("waiverProblems", ast.ArrayTerm(waiverProblems...)),
	}
	// Settings most templates leave out are left out of the input too when
	// absent (rules read a missing fact as absent), which keeps the input
	// small for the common case.
	for _, opt := range []struct {
		name string
		fact model.Fact
	}{
		{"enableHotpatching", vm.EnableHotpatching}, {"rebootSetting", vm.RebootSetting},
		{"bypassPlatformSafetyChecksOnUserSchedule", vm.BypassSafetyChecks}, {"orchestrationMode", vm.OrchestrationMode},
		{"automaticOSUpgrade", vm.AutomaticOSUpgrade}, {"agentVersion", vm.AgentVersion},
	} {
		if opt.fact.State != model.Absent && opt.fact.State != "" {
			items = append(items, t.item(opt.name, t.factTerm(opt.fact)))
		}
	}
	if p := vm.PatchStatus; p != nil {
		num := func(n int) *ast.Term { return ast.InternedTerm(n) }
		items = append(items, t.item("patchStatus", ast.ObjectTerm(
			t.item("availableStatus", t.str(p.AvailableStatus)),
			t.item("criticalAndSecurityPatchCount", num(p.CriticalAndSecurity)),
			t.item("otherPatchCount", num(p.Other)),
			t.item("assessedAt", t.str(p.AssessedAt)),
			t.item("installationStatus", t.str(p.InstallationStatus)),
			t.item("installedPatchCount", num(p.Installed)),
			t.item("failedPatchCount", num(p.Failed)),
			t.item("pendingPatchCount", num(p.Pending)),
			t.item("notSelectedPatchCount", num(p.NotSelected)),
			t.item("excludedPatchCount", num(p.Excluded)),
			t.item("installedAt", t.str(p.InstalledAt)),
		)))
	}
	if b := vm.Baseline; b != nil {
		items = append(items, t.item("baseline", ast.ObjectTerm(
			t.item("patchMode", t.factTerm(b.PatchMode)),
			t.item("enableAutomaticUpdates", t.factTerm(b.EnableAutomaticUpdates)),
			t.item("os", t.str(b.OS)),
		)))
	}
	if vm.Copy != nil {
		items = append(items, t.item("copy", ast.ObjectTerm(t.item("name", t.str(vm.Copy.Name)), t.item("count", t.str(vm.Copy.Count)))))
	}
	return ast.NewObject(items...)
}

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
