// Package arm finds the virtual machines and scale sets in an ARM template
// (including Bicep-compiled JSON) the way Azure Resource Manager does, and
// normalises their patch settings into model.VM facts.
package arm

import (
	"errors"
	"fmt"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/policies"
	"github.com/patchcheck/patchcheck/schemas"
)

// Kind is what a JSON file turned out to be.
type Kind string

const (
	Template   Kind = "template"
	Parameters Kind = "parameters"
	REST       Kind = "rest" // one VM or scale set as sent to or returned by the Compute REST API
	// InstanceView is a VM's instance view: `az vm get-instance-view`
	// output, a REST GET with $expand=instanceView, or the bare
	// instanceView body.
	InstanceView Kind = "instance-view"
	// WhatIf is a deployment's what-if result: `az deployment
	// group|sub|mg|tenant what-if --no-pretty-print -o json` output, or
	// the REST WhatIfOperationResult (see ExtractWhatIf).
	WhatIf  Kind = "what-if"
	Unknown Kind = "unknown"
)

// MaxTemplateDepth bounds nested deployments so a hostile file cannot
// recurse forever. A template nested deeper is an error, never skipped:
// the VMs inside it would go unchecked.
const MaxTemplateDepth = 64

// Adapter turns parsed ARM files into VM facts. It is safe for concurrent use.
type Adapter struct {
	images  *imageOS
	context *Context // what the user told of the deployment; nil: nothing
	// defaults are what Azure assumes for a VM's patch mode, agent and
	// automatic updates left out, from the knowledge profile the linter
	// runs with.
	defaults policies.Defaults
}

// NewAdapter loads the adapter's embedded data. defaults are the profile's
// (policies.Profile.Defaults), which the facts of a VM that leaves a
// setting out take.
func NewAdapter(defaults policies.Defaults) (*Adapter, error) {
	t, err := loadImageOS()
	if err != nil {
		return nil, err
	}
	return &Adapter{images: t, defaults: defaults}, nil
}

// VM is one extracted machine: its facts and the raw osProfile subtree the
// schema stage validates.
type VM struct {
	Facts     model.VM
	OSProfile *jsonpos.Value // nil when absent or an expression
	// OSProfilePointer is the JSON pointer of OSProfile in the file.
	OSProfilePointer string
	// NoProfile marks a scale set without virtualMachineProfile (a Flexible
	// scale set created empty, or a change of sku.capacity): it defines no
	// VM, so no rule applies to it.
	NoProfile bool
	// Doc is the file the VM is in: the input, or a template it links to.
	Doc *jsonpos.Document
	// Exact: the VM's values were evaluated by Azure (a what-if's after
	// state), so a string in square brackets is a value, not an expression,
	// and the schema stage must judge it.
	Exact bool
	// NullIsAbsent: the VM is Azure's output (a REST body, az vm
	// get-instance-view), which prints null for every member that is not
	// set ("linuxConfiguration": null beside a windowsConfiguration), so
	// the schema stage reads a null member as left out. In a template a
	// literal null is read as written.
	NullIsAbsent bool
	// Change is the what-if change whose after state the VM is; nil for
	// every other input.
	Change *WhatIfChange
}

// Classify says whether a parsed file is a template, a parameter file or
// neither, and why.
func Classify(doc *jsonpos.Document) (Kind, string) {
	root := doc.Root
	if isExportList(root) {
		return Unknown, "a list of deployed resources, as az vm list, az vmss list, a REST list or Resource Graph print it: lint checks templates, one REST body, instance views and what-if results; give this file to --baseline, or to patchcheck fleet import"
	}
	if root == nil || root.Kind != jsonpos.Object {
		return Unknown, fmt.Sprintf("the top level is %s, not an object", kindName(root))
	}
	schema := ""
	if s := root.Get("$schema"); s != nil && s.Kind == jsonpos.String {
		schema = strings.ToLower(s.Str)
	}
	switch {
	case strings.Contains(schema, "deploymentparameters.json"):
		return Parameters, "deployment parameter file"
	case strings.Contains(schema, "deploymenttemplate.json"):
		return Template, ""
	case instanceViewOf(root) != nil:
		return InstanceView, ""
	case restKind(root) != "":
		return REST, ""
	case isWhatIf(root):
		return WhatIf, ""
	case isAPIExample(root):
		if _, ok := exampleBody(root); ok {
			return REST, ""
		}
		return Unknown, "a REST API example whose request and response bodies are not a virtual machine or scale set"
	case schema == "" && isParameterValues(root):
		return Parameters, "deployment parameter file"
	case root.Get("type") != nil && root.Get("properties") != nil:
		return Unknown, "a single resource that is not a virtual machine or scale set"
	case root.Get("resources") != nil:
		return Template, ""
	case root.Get("properties") == nil && (root.Get("osProfile") != nil || root.Get("storageProfile") != nil || root.Get("virtualMachineProfile") != nil):
		return Unknown, "a VM as az vm show or az vmss show print it (properties at the top level): lint checks REST bodies (az rest, a REST GET), az vm get-instance-view output and templates; give this file to --baseline, or to patchcheck fleet import"
	}
	return Unknown, "no ARM deploymentTemplate $schema and no resources"
}

// isParameterValues recognises a parameter file written without its
// $schema (or with a misspelt one), as the az CLI and Azure PowerShell take
// it: no resources, and a parameters object whose members all give a value
// or a Key Vault reference, where a template's declare a type.
func isParameterValues(root *jsonpos.Value) bool {
	params := root.Get("parameters")
	if root.Get("resources") != nil || params == nil || params.Kind != jsonpos.Object || len(params.Members) == 0 {
		return false
	}
	for _, m := range params.Members {
		v := m.Value
		if v.Kind != jsonpos.Object || v.Get("type") != nil || v.Get("value") == nil && v.Get("reference") == nil {
			return false
		}
	}
	return true
}

// isExportList recognises a list of deployed resources: a top-level list
// of objects (az vm list, az vmss list, Search-AzGraph rows), or one under
// value (a REST list) or data (az graph query).
func isExportList(root *jsonpos.Value) bool {
	list, _ := deployedList(root)
	if list == nil || len(list.Items) == 0 || list.Items[0].Kind != jsonpos.Object {
		return false
	}
	first := list.Items[0]
	return first.Get("id") != nil || first.Get("type") != nil || first.Get("properties") != nil || first.Get("osProfile") != nil
}

// restKind recognises a REST body (PUT request or GET response) of a VM or
// scale set: by its type when present, else by the profile it carries
// (request bodies have no type).
func restKind(root *jsonpos.Value) string {
	props := root.Get("properties")
	if props == nil || props.Kind != jsonpos.Object {
		return ""
	}
	if t := root.Get("type"); t != nil && t.Kind == jsonpos.String {
		switch strings.ToLower(t.Str) {
		case "microsoft.compute/virtualmachines":
			return model.KindVM
		case "microsoft.compute/virtualmachinescalesets":
			return model.KindVMS
		}
		return ""
	}
	switch {
	case props.Get("virtualMachineProfile") != nil:
		return model.KindVMS
	case props.Get("osProfile") != nil || props.Get("storageProfile") != nil:
		return model.KindVM
	}
	return ""
}

// ErrNotREST says what --input rest expects, for a body that is not one.
var ErrNotREST = errors.New("not a virtual machine or scale-set REST body: expected a Microsoft.Compute/virtualMachines or virtualMachineScaleSets request or response body (a type, or properties with osProfile, storageProfile or virtualMachineProfile), or a REST API example holding one under parameters.parameters or responses.<status>.body")

// ExtractREST normalises a REST body: the document is the resource itself,
// or a REST API example (the azure-rest-api-specs examples) holding it.
// A bare body's API version is in the request URL, not the body, so PC004
// cannot judge it; an example says its api-version. Anything else is
// ErrNotREST: a forced --input rest never checks what is not a VM.
func (a *Adapter) ExtractREST(doc *jsonpos.Document) ([]VM, error) {
	w := &walker{a: a, doc: doc, scope: newScope(doc, nil)}
	body, ptr, name, api := doc.Root, "", "", (*node)(nil)
	if restKind(body) == "" {
		ex, ok := exampleBody(doc.Root)
		if !ok {
			return nil, ErrNotREST
		}
		body, ptr, name, api = ex.body, ex.ptr, ex.name, ex.apiVersion
	}
	kind := restKind(body)
	typ := "Microsoft.Compute/virtualMachines"
	if kind == model.KindVMS {
		typ = "Microsoft.Compute/virtualMachineScaleSets"
	}
	vm := w.vm(body, ptr, name, typ, kind)
	vm.NullIsAbsent = true
	if api != nil && !vm.NoProfile {
		f := &facts{w: w, vm: vm.Facts, seen: map[string]bool{}}
		f.vm.APIVersion = f.apiVersion(api)
		vm.Facts = f.vm
	}
	return []VM{vm}, nil
}

// isAPIExample recognises the shape of a REST API example file:
// {"parameters": {..., "api-version": ...}, "responses": {"200": {"body": ...}}}.
func isAPIExample(root *jsonpos.Value) bool {
	p, r := root.Get("parameters"), root.Get("responses")
	return p != nil && p.Kind == jsonpos.Object && r != nil && r.Kind == jsonpos.Object
}

// example is the VM body an API example holds.
type example struct {
	body       *jsonpos.Value
	ptr        string
	name       string // the vmName or vmScaleSetName parameter, when given
	apiVersion *node  // the api-version parameter, when given
}

// exampleBody finds the VM or scale set of an API example: the request
// body (parameters.parameters) when it is one, else the first response
// body that is. Only one is checked: a response repeats the request with
// Azure's defaults filled in, and checking both would report each problem
// twice.
func exampleBody(root *jsonpos.Value) (example, bool) {
	if !isAPIExample(root) {
		return example{}, false
	}
	var ex example
	params := root.GetMember("parameters")
	for _, m := range params.Value.Members {
		switch strings.ToLower(m.Key) {
		case "vmname", "vmscalesetname":
			if m.Value.Kind == jsonpos.String {
				ex.name = m.Value.Str
			}
		case "api-version":
			ex.apiVersion = &node{v: m.Value, offset: m.KeyOffset, ptr: "/" + schemas.EscapePointer(params.Key) + "/" + schemas.EscapePointer(m.Key), prop: "api-version"}
		}
	}
	if b := params.Value.GetMember("parameters"); b != nil && b.Value.Kind == jsonpos.Object && restKind(b.Value) != "" {
		ex.body, ex.ptr = b.Value, "/"+schemas.EscapePointer(params.Key)+"/"+schemas.EscapePointer(b.Key)
		return ex, true
	}
	responses := root.GetMember("responses")
	for _, status := range responses.Value.Members {
		if status.Value.Kind != jsonpos.Object {
			continue
		}
		if b := status.Value.GetMember("body"); b != nil && b.Value.Kind == jsonpos.Object && restKind(b.Value) != "" {
			ex.body = b.Value
			ex.ptr = "/" + schemas.EscapePointer(responses.Key) + "/" + schemas.EscapePointer(status.Key) + "/" + schemas.EscapePointer(b.Key)
			return ex, true
		}
	}
	return example{}, false
}

func kindName(v *jsonpos.Value) string {
	if v == nil {
		return "empty"
	}
	if k := v.Kind.String(); strings.ContainsRune("aeiou", rune(k[0])) {
		return "an " + k
	}
	return "a " + v.Kind.String()
}

// Extract returns every VM and scale set of a template, in document order.
// Values in params (later files win) override the template's parameter
// defaults. A nested deployment deeper than MaxTemplateDepth is an error.
// Linked templates are not followed: see ExtractLinked.
func (a *Adapter) Extract(doc *jsonpos.Document, params ...*ParameterFile) ([]VM, error) {
	x, err := a.ExtractLinked(doc, nil, params...)
	if err != nil {
		return nil, err
	}
	return x.VMs, nil
}

type walker struct {
	a     *Adapter
	doc   *jsonpos.Document
	vms   []VM
	scope *scope // the template being walked: its parameters and variables
	// flat: the resource's properties are at its top level (az CLI output).
	flat bool
	// noDefaults: the input says nothing of the settings (a bare instance
	// view), so Azure's defaults are not assumed either.
	noDefaults bool
	// err is the first reason the walk could not see every resource.
	err error
	// extensions are the scale-set extension resources deployed beside
	// their scale sets (see linkExtensions).
	extensions []scaleSetExtension
	linkedWalk
}

func (w *walker) loc(offset int, ptr string) model.Loc {
	line, col := w.doc.Position(offset)
	return model.Loc{Pointer: ptr, Line: line, Column: col}
}

func (w *walker) template(t *jsonpos.Value, ptr string, depth int) {
	if t == nil || t.Kind != jsonpos.Object {
		return
	}
	if m := t.GetMember("resources"); m != nil {
		w.resources(m.Value, ptr+"/"+schemas.EscapePointer(m.Key), "", depth)
	}
}

// resources walks a resources collection: an array, or (languageVersion 2.0)
// an object keyed by symbolic name.
func (w *walker) resources(v *jsonpos.Value, ptr, parentType string, depth int) {
	switch v.Kind {
	case jsonpos.Array:
		for i, r := range v.Items {
			w.resource(r, indexPointer(ptr, i), "", parentType, depth)
		}
	case jsonpos.Object:
		for _, m := range v.Members {
			w.resource(m.Value, ptr+"/"+schemas.EscapePointer(m.Key), m.Key, parentType, depth)
		}
	}
}

func (w *walker) resource(r *jsonpos.Value, ptr, symbolic, parentType string, depth int) {
	if r == nil || r.Kind != jsonpos.Object {
		return
	}
	if e := r.Get("existing"); e != nil && e.Kind == jsonpos.Bool && e.Bool {
		return // a reference to a deployed resource, not something this template deploys
	}
	if w.notDeployed(r) {
		// ARM does not deploy it, but a condition does not cascade: child
		// resources written inside it are deployed on their own conditions.
		if m := r.GetMember("resources"); m != nil {
			w.resources(m.Value, ptr+"/"+schemas.EscapePointer(m.Key), fullType(r, parentType), depth)
		}
		return
	}
	// A child resource may give its type relative to its parent.
	typ := fullType(r, parentType)
	switch strings.ToLower(typ) {
	case "microsoft.compute/virtualmachines":
		w.vms = append(w.vms, w.vm(r, ptr, symbolic, typ, model.KindVM))
	case "microsoft.compute/virtualmachinescalesets":
		w.vms = append(w.vms, w.vm(r, ptr, symbolic, typ, model.KindVMS))
	case "microsoft.compute/virtualmachinescalesets/extensions":
		if parentType == "" {
			w.scaleSetExtension(r, ptr)
		}
	case "microsoft.resources/deployments":
		if p := r.GetMember("properties"); p != nil {
			if t := p.Value.GetMember("template"); t != nil && t.Value.Kind == jsonpos.Object {
				if depth+1 > MaxTemplateDepth {
					w.tooDeep(r, ptr, symbolic, false)
					break
				}
				outer := w.scope
				w.scope = nestedScope(w.doc, outer, r, w.resourceName(r, symbolic), p.Value, t.Value)
				w.template(t.Value, ptr+"/"+schemas.EscapePointer(p.Key)+"/"+schemas.EscapePointer(t.Key), depth+1)
				w.scope = outer
			} else if l := p.Value.GetMember("templateLink"); l != nil {
				w.linked(r, ptr, symbolic, p, l, depth)
			}
		}
	}
	if m := r.GetMember("resources"); m != nil {
		w.resources(m.Value, ptr+"/"+schemas.EscapePointer(m.Key), typ, depth)
	}
}

// notDeployed reports whether the resource's condition is known to be
// false, so that ARM does not deploy it (nor, for a deployment, anything its
// template holds). A condition patchcheck cannot evaluate (a parameter
// without a value, copyIndex()) may be true: the resource is checked.
func (w *walker) notDeployed(r *jsonpos.Value) bool {
	c := r.Get("condition")
	if c == nil {
		return false
	}
	switch c.Kind {
	case jsonpos.Bool:
		return !c.Bool
	case jsonpos.String:
		if e, ok := w.scope.expression(c); ok {
			v, _ := w.scope.eval(e)
			b, known := v.(bool)
			return known && !b
		}
	}
	return false
}

// fullType is the resource's full type, a child's short type prefixed
// with its parent's.
func fullType(r *jsonpos.Value, parentType string) string {
	typ := resourceType(r)
	if parentType != "" && typ != "" && !strings.Contains(typ, "/") {
		typ = parentType + "/" + typ
	}
	return typ
}

// tooDeep records the deployment whose inline or linked template is past
// MaxTemplateDepth, by its pointer and line (and its file, when a link led
// there).
func (w *walker) tooDeep(r *jsonpos.Value, ptr, symbolic string, linked bool) {
	if w.err != nil {
		return
	}
	line, col := w.doc.Position(r.Offset)
	what, fix := "holds an inline template", "flatten the nesting or deploy the inner template as a linked template"
	if linked {
		what, fix = "links a template", "flatten the nesting"
	}
	in := ""
	if len(w.via) > 0 {
		in = " in " + w.doc.Name
	}
	w.err = fmt.Errorf("nested deployment %q at %s%s (line %d, column %d) %s more than %d levels deep: patchcheck does not follow nested deployments deeper than %d levels, so the VMs inside it cannot be checked; %s",
		model.Clip(w.resourceName(r, symbolic)), clipPointer(ptr), in, line, col, what, MaxTemplateDepth, MaxTemplateDepth, fix)
}

// clipPointer clips each long segment of a JSON pointer for a message:
// the keys come from the template.
func clipPointer(ptr string) string {
	if len(ptr) <= model.MaxQuoted {
		return ptr
	}
	segs := strings.Split(ptr, "/")
	for i, s := range segs {
		segs[i] = model.Clip(s)
	}
	return strings.Join(segs, "/")
}

// nestedScope is the scope of an inline nested template. With
// expressionEvaluationOptions.scope "inner" the template has its own
// parameters, given values by the deployment's properties.parameters
// (evaluated in the outer scope), and its own deployment context;
// otherwise ARM evaluates the nested template's expressions in the outer
// template's scope. deployment is the Microsoft.Resources/deployments
// resource, name its name.
func nestedScope(doc *jsonpos.Document, outer *scope, deployment *jsonpos.Value, name string, props, template *jsonpos.Value) *scope {
	mode := ""
	if o := props.Get("expressionEvaluationOptions"); o != nil {
		if sc := o.Get("scope"); sc != nil && sc.Kind == jsonpos.String {
			mode = strings.ToLower(sc.Str)
		}
	}
	if mode != "inner" {
		return outer
	}
	inner := newScope(doc, template)
	inner.budget = outer.budget
	inner.context = nestedContext(outer.context, deployment, name)
	passParameters(outer, inner, props, "passed by the nested deployment")
	return inner
}
