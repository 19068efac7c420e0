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
// Engine's result cache).
func inputValue(profile string, vm *model.VM) ast.Value {
	return ast.NewObject(
		item("profile", ast.StringTerm(profile)),
		item("vm", ast.NewTerm(vmValue(vm))),
	)
}

func item(k string, v *ast.Term) [2]*ast.Term { return [2]*ast.Term{ast.StringTerm(k), v} }

func vmValue(vm *model.VM) ast.Object {
	unresolved := make([]*ast.Term, len(vm.Unresolved))
	for i, u := range vm.Unresolved {
		unresolved[i] = ast.ObjectTerm(
			item("property", ast.StringTerm(u.Property)),
			item("expression", ast.StringTerm(u.Expression)),
			item("topic", ast.StringTerm(u.Topic)),
		)
	}
	schemaErrors := make([]*ast.Term, len(vm.SchemaErrors))
	for i, e := range vm.SchemaErrors {
		schemaErrors[i] = ast.ObjectTerm(
			item("property", ast.StringTerm(e.Property)),
			item("message", ast.StringTerm(e.Message)),
		)
	}
	api := factItems(vm.APIVersion.Fact)
	api = append(api, item("date", ast.StringTerm(vm.APIVersion.Date)))
	items := [][2]*ast.Term{
		item("kind", ast.StringTerm(vm.Kind)),
		item("os", ast.ObjectTerm(item("value", ast.StringTerm(vm.OS.Value)), item("source", ast.StringTerm(vm.OS.Source)))),
		item("apiVersion", ast.ObjectTerm(api...)),
		item("patchSettings", ast.ObjectTerm(item("present", ast.BooleanTerm(vm.PatchSettings.Present)))),
		item("patchMode", factTerm(vm.PatchMode)),
		item("assessmentMode", factTerm(vm.AssessmentMode)),
		item("enableAutomaticUpdates", factTerm(vm.EnableAutomaticUpdates)),
		item("provisionVMAgent", factTerm(vm.ProvisionVMAgent)),
		item("image", ast.ObjectTerm(
			item("kind", ast.StringTerm(vm.Image.Kind)),
			item("key", ast.StringTerm(vm.Image.Key)),
			item("publisher", factTerm(vm.Image.Publisher)),
			item("offer", factTerm(vm.Image.Offer)),
			item("sku", factTerm(vm.Image.Sku)),
			item("id", factTerm(vm.Image.ID)),
		)),
		item("unresolved", ast.ArrayTerm(unresolved...)),
		item("schemaErrors", ast.ArrayTerm(schemaErrors...)),
	}
	if vm.Copy != nil {
		items = append(items, item("copy", ast.ObjectTerm(item("name", ast.StringTerm(vm.Copy.Name)), item("count", ast.StringTerm(vm.Copy.Count)))))
	}
	return ast.NewObject(items...)
}

func factTerm(f model.Fact) *ast.Term { return ast.ObjectTerm(factItems(f)...) }

func factItems(f model.Fact) [][2]*ast.Term {
	items := [][2]*ast.Term{
		item("state", ast.StringTerm(string(f.State))),
		item("property", ast.StringTerm(f.Property)),
	}
	switch v := f.Value.(type) {
	case string:
		items = append(items, item("value", ast.StringTerm(v)))
	case bool:
		items = append(items, item("value", ast.BooleanTerm(v)))
	}
	if f.Expression != "" {
		items = append(items, item("expression", ast.StringTerm(f.Expression)))
	}
	return items
}
