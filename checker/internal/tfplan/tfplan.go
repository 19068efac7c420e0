// Package tfplan turns `terraform show -json` plans into model.VM facts.
//
// The plan is decoded twice: by hashicorp/terraform-json, which gives its
// meaning (resource changes, planned values, after_unknown), and by jsonpos,
// which gives every value's position. Each attribute is looked up in the
// jsonpos tree by the JSON pointer the plan layout implies
// (/resource_changes/3/change/after/patch_mode), so findings point at the
// line of the attribute in the plan file.
//
// Facts mean what they mean for ARM templates: a value in the plan is
// literal (the azurerm provider sends it as planned, its own schema defaults
// included), an attribute the plan lacks takes the provider's default, and a
// value known only after apply is an unresolved expression.
package tfplan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/policies"
	"github.com/patchcheck/patchcheck/schemas"
)

// Resource types patchcheck reads.
const (
	typeLinuxVM      = "azurerm_linux_virtual_machine"
	typeWindowsVM    = "azurerm_windows_virtual_machine"
	typeLinuxVMSS    = "azurerm_linux_virtual_machine_scale_set"
	typeWindowsVMSS  = "azurerm_windows_virtual_machine_scale_set"
	typeOrchestrated = "azurerm_orchestrated_virtual_machine_scale_set"
	typeLegacyVM     = "azurerm_virtual_machine"

	typeVMExtension   = "azurerm_virtual_machine_extension"
	typeVMSSExtension = "azurerm_virtual_machine_scale_set_extension"
)

var vmKinds = map[string]string{
	typeLinuxVM:      model.KindVM,
	typeWindowsVM:    model.KindVM,
	typeLegacyVM:     model.KindVM,
	typeLinuxVMSS:    model.KindVMS,
	typeWindowsVMSS:  model.KindVMS,
	typeOrchestrated: model.KindVMS,
}

// extensionTarget is the attribute of a separate extension resource that
// names the machine it is installed on.
var extensionTarget = map[string]string{
	typeVMExtension:   "virtual_machine_id",
	typeVMSSExtension: "virtual_machine_scale_set_id",
}

// Detect reports whether a parsed JSON document is a Terraform plan: an
// object with format_version and terraform_version, and resource_changes or
// planned_values. (A state file from `terraform show -json` has values
// instead, and is not a plan.)
func Detect(doc *jsonpos.Document) bool {
	if doc == nil || doc.Root == nil || doc.Root.Kind != jsonpos.Object {
		return false
	}
	r := doc.Root
	isString := func(v *jsonpos.Value) bool { return v != nil && v.Kind == jsonpos.String }
	return isString(r.Get("format_version")) && isString(r.Get("terraform_version")) &&
		(r.Get("resource_changes") != nil || r.Get("planned_values") != nil)
}

// Extract returns one model.VM per Azure VM or scale set resource in the
// plan, as it will be after the change: from resource_changes (resources
// being deleted or forgotten, deposed objects and data sources are skipped),
// or, when the plan has no resource changes, from planned_values.root_module
// and its child modules. data is the file doc was parsed from; defaults are
// the profile's (Profile.Defaults), which a VM that leaves a setting out
// takes. The error reports a plan terraform-json
// cannot decode, such as an unsupported format_version.
func Extract(doc *jsonpos.Document, data []byte, defaults policies.Defaults) ([]model.VM, error) {
	if doc == nil || doc.Root == nil {
		return nil, fmt.Errorf("no parsed document")
	}
	var plan tfjson.Plan
	// Windows PowerShell's Out-File writes a byte order mark; encoding/json
	// rejects it, jsonpos skips it.
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\uFEFF")), &plan); err != nil {
		return nil, fmt.Errorf("%s: not a Terraform plan terraform-json can read: %w", doc.Name, err)
	}
	w := &walker{doc: doc, vms: []model.VM{}, defaults: defaults}
	root := doc.Root
	if len(plan.ResourceChanges) > 0 {
		changes := field(root, "resource_changes")
		for i, rc := range plan.ResourceChanges {
			w.resourceChange(rc, item(changes, i), "/resource_changes/"+itoa(i))
		}
	} else if plan.PlannedValues != nil && plan.PlannedValues.RootModule != nil {
		w.module(plan.PlannedValues.RootModule, field(field(root, "planned_values"), "root_module"), "/planned_values/root_module")
	}
	w.linkExtensions()
	return w.vms, nil
}

// walker collects the VMs of one plan.
type walker struct {
	doc *jsonpos.Document
	vms []model.VM
	ids []string // each VM's planned id, "" when unknown (for extensions)
	// healthTargets are the ids of machines that a separate
	// Application Health extension resource is installed on.
	healthTargets []string
	// defaults are what Azure assumes for a VM's patch mode, agent and
	// automatic updates left out, from the knowledge profile the linter
	// runs with.
	defaults policies.Defaults
}

func (w *walker) loc(offset int, ptr string) model.Loc {
	line, col := w.doc.Position(offset)
	return model.Loc{Pointer: ptr, Line: line, Column: col}
}

// resourceChange reads one entry of resource_changes; at is its position.
func (w *walker) resourceChange(rc *tfjson.ResourceChange, at *jsonpos.Value, ptr string) {
	if rc == nil || rc.Mode == tfjson.DataResourceMode || rc.Change == nil || rc.DeposedKey != "" {
		return
	}
	acts := rc.Change.Actions
	if acts.Delete() || acts.Forget() {
		return
	}
	after, ok := rc.Change.After.(map[string]any)
	if !ok {
		return
	}
	change := field(at, "change")
	res := &node{
		val: after, has: true, unk: rc.Change.AfterUnknown,
		at: field(change, "after"), ptr: ptr + "/change/after",
		uat: field(change, "after_unknown"), uptr: ptr + "/change/after_unknown",
	}
	w.resource(rc.Address, rc.Type, rc.Name, rc.ModuleAddress, rc.Index, res, at, ptr)
}

// module reads the resources of a planned_values module and its children.
func (w *walker) module(m *tfjson.StateModule, at *jsonpos.Value, ptr string) {
	if m == nil {
		return
	}
	resources := field(at, "resources")
	for i, r := range m.Resources {
		if r == nil || r.Mode == tfjson.DataResourceMode || r.DeposedKey != "" || r.AttributeValues == nil {
			continue
		}
		rAt := item(resources, i)
		rPtr := ptr + "/resources/" + itoa(i)
		// planned_values omits unknown values and has no after_unknown, so
		// an attribute it lacks cannot be told from one that is unset.
		res := &node{val: r.AttributeValues, has: true, at: field(rAt, "values"), ptr: rPtr + "/values"}
		w.resource(r.Address, r.Type, r.Name, "", r.Index, res, rAt, rPtr)
	}
	children := field(at, "child_modules")
	for i, c := range m.ChildModules {
		w.module(c, item(children, i), ptr+"/child_modules/"+itoa(i))
	}
}

// resource dispatches on the resource type; at is the resource change (or
// planned resource) object in the file.
func (w *walker) resource(address, typ, name, module string, index any, res *node, at *jsonpos.Value, ptr string) {
	if target, ok := extensionTarget[typ]; ok {
		w.extension(res, target)
		return
	}
	kind, ok := vmKinds[typ]
	if !ok {
		return
	}
	off := 0
	if at != nil {
		off = at.Offset
	}
	typeLoc := w.loc(off, ptr)
	if m := at.GetMember("type"); m != nil {
		typeLoc = w.loc(m.KeyOffset, ptr+"/"+schemas.EscapePointer(m.Key))
	}
	vm := extractVM(w, resourceAddress(address, typ, name, module, index), typ, kind, res, w.loc(off, ptr), typeLoc)
	w.vms = append(w.vms, vm)
	id, _ := res.child("id").val.(string)
	w.ids = append(w.ids, id)
}

// resourceAddress is the address Terraform prints, rebuilt from its parts
// when a hand-written plan omits it.
func resourceAddress(address, typ, name, module string, index any) string {
	if address != "" {
		return address
	}
	a := typ + "." + name
	switch i := index.(type) {
	case string:
		a += fmt.Sprintf("[%q]", i)
	case float64:
		a += fmt.Sprintf("[%v]", i)
	case json.Number:
		a += "[" + i.String() + "]"
	}
	if module != "" {
		a = module + "." + a
	}
	return a
}

// extension records a separate Application Health extension resource whose
// target machine id is known.
func (w *walker) extension(res *node, target string) {
	typ, _ := res.child("type").val.(string)
	id, _ := res.child(target).val.(string)
	if model.IsHealthExtensionType(typ) && id != "" {
		w.healthTargets = append(w.healthTargets, id)
	}
}

// linkExtensions marks the machines that separate health extension
// resources are installed on. Only known ids match: a machine created by the
// same plan has no id yet, and its extension then usually sits in the
// resource's own extension blocks.
func (w *walker) linkExtensions() {
	for _, target := range w.healthTargets {
		for i, id := range w.ids {
			if id != "" && strings.EqualFold(id, target) {
				w.vms[i].HealthExtension = true
			}
		}
	}
}
