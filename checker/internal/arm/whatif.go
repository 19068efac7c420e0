package arm

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/schemas"
)

// maxResourceID bounds a resource ID kept for findings and messages: real
// IDs are far shorter, and a hostile file's huge "ID" must not be copied
// into every finding.
const maxResourceID = 1024

// maxErrorDetails is how many of Azure's error details a failed what-if's
// message quotes: the first ones say what went wrong, and the rest would
// only lengthen a CI log.
const maxErrorDetails = 3

// WhatIfChange is one change a what-if predicts for a virtual machine or a
// scale set.
type WhatIfChange struct {
	ResourceID string // as Azure gives it (clipped): the findings' resource
	Name       string // the VM's name, which --baseline matches
	Type       string // Microsoft.Compute/virtualMachines or virtualMachineScaleSets
	ChangeType string // as Azure spells it: Create, Modify, Delete, ...
	// Potential: listed under potentialChanges, the changes what-if
	// predicts may happen, rather than under changes.
	Potential bool
	// Reason is Azure's unsupportedReason, when it gives one.
	Reason string
	// Loc is the change's changeType (the change itself when it has none);
	// Pointer is the change's JSON pointer.
	Loc     model.Loc
	Pointer string
	// Before is the VM as it is before the deployment, from the change's
	// before state: the baseline PC009 judges the after state against.
	Before *model.Baseline
	// NotChecked says why the change was not checked, for a change listed
	// in WhatIfResult.Unchecked; Minor marks one that nothing suggests the
	// deployment touches (an Ignore of a VM that exists).
	NotChecked string
	Minor      bool
}

// Label names the change in messages: "what-if Modify", or "what-if
// potential change Modify".
func (c *WhatIfChange) Label() string {
	if c.Potential {
		return "what-if potential change " + c.ChangeType
	}
	return "what-if " + c.ChangeType
}

// WhatIfResult is what a what-if says of the virtual machines and scale
// sets of a deployment.
type WhatIfResult struct {
	// VMs are the after states of the changes that create, modify,
	// redeploy or keep a VM, in document order; each has its Change.
	VMs []VM
	// Unchecked are the changes whose VM could not be checked: Azure did
	// not evaluate it (Ignore, Unsupported) or gave no after state.
	Unchecked []WhatIfChange
	// Deleted are the VMs the deployment deletes (complete mode): listed,
	// not checked.
	Deleted []WhatIfChange
}

// WhatIfError is a what-if that Azure did not complete, or a result
// patchcheck cannot read, at the place in the file that says so.
type WhatIfError struct {
	model.Position
	Msg string
}

// Error returns "FILE:LINE:COL: MSG".
func (e *WhatIfError) Error() string { return e.Position.String() + ": " + e.Msg }

// isWhatIf recognises a what-if result by its content: a status and one of
// the lists a WhatIfOperationResult holds (changes, potentialChanges,
// diagnostics), at the top level (az CLI output, which flattens the REST
// properties) or under properties (the REST body); or a failed operation,
// {"status": ..., "error": {"code": ..., "message": ...}} and nothing else
// an operation result does not carry. A list must look like one of
// what-if's (null, empty, or a first item with the members its items
// have), so that another tool's {"status", "diagnostics"} found in a folder
// walk is not taken for a failed what-if.
func isWhatIf(root *jsonpos.Value) bool {
	if s := root.Get("status"); s == nil || s.Kind != jsonpos.String {
		return false
	}
	for _, holder := range []*jsonpos.Value{root, root.Get("properties")} {
		if holder != nil && holder.Kind == jsonpos.Object &&
			(whatIfList(holder.Get("changes"), "changeType", "resourceId") ||
				whatIfList(holder.Get("potentialChanges"), "changeType", "resourceId") ||
				whatIfList(holder.Get("diagnostics"), "level", "code")) {
			return true
		}
	}
	e := root.Get("error")
	if e == nil || e.Kind != jsonpos.Object || (e.Get("code") == nil && e.Get("message") == nil) {
		return false
	}
	for _, m := range root.Members {
		switch strings.ToLower(m.Key) {
		case "status", "error", "id", "name", "starttime", "endtime":
		default:
			return false
		}
	}
	return true
}

// whatIfList reports whether v looks like a list of a what-if result: null,
// empty, or an array whose first item is an object with one of keys.
func whatIfList(v *jsonpos.Value, keys ...string) bool {
	switch {
	case v == nil:
		return false
	case v.Kind == jsonpos.Null || v.Kind == jsonpos.Array && len(v.Items) == 0:
		return true
	case v.Kind != jsonpos.Array:
		return false
	}
	for _, k := range keys {
		if v.Items[0].Get(k) != nil {
			return true
		}
	}
	return false
}

// ExtractWhatIf reads a what-if result: `az deployment group|sub|mg|tenant
// what-if --no-pretty-print -o json` output or the REST
// WhatIfOperationResult. The after state of every change that creates,
// modifies, redeploys or keeps a VM or scale set is a VM whose values are
// exact (Azure evaluated them), with the change's before state as its
// baseline. A what-if that did not succeed, and a result whose shape
// hides whether a change is a VM, are a *WhatIfError: a gate must not
// pass what it could not read.
func (a *Adapter) ExtractWhatIf(doc *jsonpos.Document) (WhatIfResult, error) {
	root := doc.Root
	fail := func(offset int, format string, args ...any) (WhatIfResult, error) {
		line, col := doc.Position(offset)
		return WhatIfResult{}, &WhatIfError{Position: model.Position{File: doc.Name, Line: line, Column: col}, Msg: fmt.Sprintf(format, args...)}
	}
	if root == nil || root.Kind != jsonpos.Object {
		offset := 0
		if root != nil {
			offset = root.Offset
		}
		return fail(offset, "a what-if result is an object with status and changes; the top level is %s", kindName(root))
	}
	status := root.GetMember("status")
	if e := root.GetMember("error"); e != nil && e.Value.Kind != jsonpos.Null {
		return fail(e.KeyOffset, "%s", whatIfFailure(status, e.Value))
	}
	switch {
	case status == nil:
		return fail(root.Offset, "the what-if result has no status, so whether Azure completed the what-if is unknown")
	case status.Value.Kind != jsonpos.String:
		return fail(status.KeyOffset, "the what-if status is %s, expected a string such as \"Succeeded\"", kindName(status.Value))
	case !strings.EqualFold(status.Value.Str, "Succeeded"):
		return fail(status.KeyOffset, "%s", whatIfFailure(status, nil))
	}
	holder, ptr := root, ""
	if root.Get("changes") == nil && root.Get("potentialChanges") == nil {
		if p := root.GetMember("properties"); p != nil && p.Value.Kind == jsonpos.Object {
			holder, ptr = p.Value, "/"+schemas.EscapePointer(p.Key)
		}
	}
	w := &walker{a: a, doc: doc, scope: exactScope(doc)}
	var out WhatIfResult
	for _, list := range []string{"changes", "potentialChanges"} {
		m := holder.GetMember(list)
		if m == nil || m.Value.Kind == jsonpos.Null {
			continue
		}
		if m.Value.Kind != jsonpos.Array {
			return fail(m.KeyOffset, "%s is %s, expected an array of changes", list, kindName(m.Value))
		}
		listPtr := ptr + "/" + schemas.EscapePointer(m.Key)
		for i, item := range m.Value.Items {
			if err := w.whatIfChange(&out, item, listPtr, fmt.Sprintf("%s[%d]", list, i), i, list == "potentialChanges"); err != nil {
				return WhatIfResult{}, err
			}
		}
	}
	return out, nil
}

// whatIfChange reads one change into out.
func (w *walker) whatIfChange(out *WhatIfResult, item *jsonpos.Value, listPtr, where string, i int, potential bool) error {
	fail := func(offset int, format string, args ...any) error {
		line, col := w.doc.Position(offset)
		return &WhatIfError{Position: model.Position{File: w.doc.Name, Line: line, Column: col}, Msg: fmt.Sprintf(format, args...)}
	}
	if item.Kind != jsonpos.Object {
		return fail(item.Offset, "%s is %s, expected a change object", where, kindName(item))
	}
	ptr := indexPointer(listPtr, i)
	states := map[string]*jsonpos.Member{}
	for _, key := range []string{"before", "after"} {
		m := item.GetMember(key)
		if m == nil || m.Value.Kind == jsonpos.Null {
			continue
		}
		if m.Value.Kind != jsonpos.Object {
			return fail(m.KeyOffset, "%s.%s is %s, expected the resource as an object, or null", where, key, kindName(m.Value))
		}
		states[key] = m
	}
	id := ""
	typ := ""
	if rid := item.GetMember("resourceId"); rid != nil && rid.Value.Kind != jsonpos.Null {
		if rid.Value.Kind != jsonpos.String {
			return fail(rid.KeyOffset, "%s.resourceId is %s, expected a string", where, kindName(rid.Value))
		}
		id, typ = rid.Value.Str, resourceTypeOf(rid.Value.Str)
	}
	for _, key := range []string{"after", "before"} {
		if s := states[key]; s != nil {
			if id == "" {
				id = stringMember(s.Value, "id")
			}
			if typ == "" {
				typ = stringMember(s.Value, "type")
			}
		}
	}
	switch {
	case typ == "" && id == "":
		return fail(item.Offset, "%s has no resourceId and no resource type, so patchcheck cannot tell whether it changes a virtual machine or scale set", where)
	case typ == "":
		// An ID without a provider is a resource group's or a
		// subscription's: a VM's always names Microsoft.Compute.
		return nil
	}
	kind, canonical := computeKind(typ)
	if kind == "" {
		return nil // not a VM: nothing the rules judge
	}
	ct := item.GetMember("changeType")
	if ct == nil || ct.Value.Kind != jsonpos.String || ct.Value.Str == "" {
		offset := item.Offset
		if ct != nil {
			offset = ct.KeyOffset
		}
		return fail(offset, "%s (%s %s) has no changeType, so what the deployment does to it is unknown (expected Create, Modify, Deploy, NoChange, Delete, Ignore or Unsupported)", where, canonical, model.ClipTo(id, maxResourceID))
	}
	if id == "" {
		id = "(no resourceId)"
	}
	name := lastSegment(id)
	for _, key := range []string{"after", "before"} {
		if s := states[key]; s != nil {
			if n := stringMember(s.Value, "name"); n != "" {
				name = n
				break
			}
		}
	}
	c := &WhatIfChange{
		ResourceID: model.ClipTo(id, maxResourceID), Name: name, Type: canonical,
		ChangeType: model.Clip(ct.Value.Str), Potential: potential,
		Reason:  model.Clip(strings.TrimSpace(stringMember(item, "unsupportedReason"))),
		Loc:     w.loc(ct.KeyOffset, ptr+"/"+schemas.EscapePointer(ct.Key)),
		Pointer: ptr,
	}
	if b := states["before"]; b != nil {
		c.Before = w.whatIfBaseline(b.Value, ptr+"/"+schemas.EscapePointer(b.Key), canonical, kind, name)
	}
	after := states["after"]
	switch strings.ToLower(ct.Value.Str) {
	case "create", "modify", "deploy", "nochange":
		if after == nil {
			c.NotChecked = fmt.Sprintf("%s gives no after state (what-if run with --result-format ResourceIdOnly gives none)", c.Label())
			out.Unchecked = append(out.Unchecked, *c)
			return nil
		}
		vm := w.vm(after.Value, ptr+"/"+schemas.EscapePointer(after.Key), "", canonical, kind)
		vm.Facts.Name = c.ResourceID
		vm.Exact, vm.Change = true, c
		out.VMs = append(out.VMs, vm)
	case "delete":
		out.Deleted = append(out.Deleted, *c)
	case "ignore":
		switch {
		case c.Reason != "":
			c.NotChecked = fmt.Sprintf("%s: %s", c.Label(), c.Reason)
		case states["before"] != nil:
			// Azure's meaning of Ignore: the resource exists and the
			// template does not define it. It is also what what-if gives
			// the resources past its limits on nested templates, which the
			// result does not tell apart.
			c.NotChecked = fmt.Sprintf("%s: it exists and the deployment neither deploys nor modifies it, unless what-if stopped expanding nested templates at its limits", c.Label())
			c.Minor = true
		default:
			c.NotChecked = fmt.Sprintf("%s without a before state: it does not exist yet, so Azure did not evaluate a resource the deployment defines (what-if stops expanding nested templates at its limits)", c.Label())
		}
		out.Unchecked = append(out.Unchecked, *c)
	case "unsupported":
		c.NotChecked = c.Label() + ", without a reason"
		if c.Reason != "" {
			c.NotChecked = fmt.Sprintf("%s: %s", c.Label(), c.Reason)
		}
		out.Unchecked = append(out.Unchecked, *c)
	default:
		c.NotChecked = fmt.Sprintf("%s is a change type patchcheck does not know", c.Label())
		out.Unchecked = append(out.Unchecked, *c)
	}
	return nil
}

// whatIfBaseline reads a change's before state as the VM deployed today.
// A scale set without a VM profile sets no patch mode to compare with.
func (w *walker) whatIfBaseline(before *jsonpos.Value, ptr, typ, kind, name string) *model.Baseline {
	vm := w.vm(before, ptr, "", typ, kind)
	if vm.NoProfile {
		return nil
	}
	f := vm.Facts
	return &model.Baseline{
		PatchMode: f.PatchMode, EnableAutomaticUpdates: f.EnableAutomaticUpdates, OS: f.OS.Value,
		Where: model.Related{Position: f.Loc.In(w.doc.Name), Pointer: f.Loc.Pointer,
			Message: fmt.Sprintf("%s before the deployment, as what-if reports it (patchMode %v, enableAutomaticUpdates %v)",
				model.Clip(name), factShown(f.PatchMode), factShown(f.EnableAutomaticUpdates))},
	}
}

// factShown is a fact's value for a message, or its state when it has none.
func factShown(f model.Fact) any {
	if !f.Known() {
		return f.State
	}
	if s, ok := f.Value.(string); ok {
		return model.Clip(s)
	}
	return f.Value
}

// whatIfFailure is the message of a what-if that did not succeed, with
// Azure's error (code, message and the first details).
func whatIfFailure(status *jsonpos.Member, e *jsonpos.Value) string {
	msg := "the what-if did not succeed"
	if status != nil && status.Value.Kind == jsonpos.String {
		msg += fmt.Sprintf(" (status %q)", model.Clip(status.Value.Str))
	}
	if e == nil {
		return msg + " and Azure gave no error"
	}
	return msg + ": Azure's error: " + azureError(e, true)
}

// azureError renders an Azure error ({code, message, details}) on one
// line; details are read one level deep.
func azureError(e *jsonpos.Value, details bool) string {
	switch e.Kind {
	case jsonpos.String:
		return model.Clip(e.Str)
	case jsonpos.Object:
	default:
		return "(" + kindName(e) + ")"
	}
	code, message := model.Clip(stringMember(e, "code")), model.Clip(stringMember(e, "message"))
	out := code
	switch {
	case code != "" && message != "":
		out = code + ": " + message
	case code == "" && message != "":
		out = message
	case code == "":
		out = "(no code or message)"
	}
	if d := e.Get("details"); details && d != nil && d.Kind == jsonpos.Array && len(d.Items) > 0 {
		parts := make([]string, 0, maxErrorDetails+1)
		for _, item := range d.Items[:min(len(d.Items), maxErrorDetails)] {
			parts = append(parts, azureError(item, false))
		}
		if n := len(d.Items) - maxErrorDetails; n > 0 {
			parts = append(parts, "and "+strconv.Itoa(n)+" more")
		}
		out += " (details: " + strings.Join(parts, "; ") + ")"
	}
	return out
}

// stringMember is v's member key when it is a string, else "".
func stringMember(v *jsonpos.Value, key string) string {
	if s := v.Get(key); s != nil && s.Kind == jsonpos.String {
		return s.Str
	}
	return ""
}

// resourceTypeOf is the type a resource ID names: the namespace after its
// last "/providers/" and every other segment after it
// (…/providers/Microsoft.Compute/virtualMachines/vm1 is
// Microsoft.Compute/virtualMachines; an extension resource's ID names the
// extension's type). "" when the ID names no provider.
func resourceTypeOf(id string) string {
	const marker = "/providers/"
	i := strings.LastIndex(strings.ToLower(id), marker)
	if i < 0 {
		return ""
	}
	segs := strings.Split(strings.Trim(id[i+len(marker):], "/"), "/")
	if len(segs) < 3 {
		return ""
	}
	parts := []string{segs[0]}
	for j := 1; j < len(segs); j += 2 {
		parts = append(parts, segs[j])
	}
	return strings.Join(parts, "/")
}

// computeKind says whether a resource type is a VM or a scale set (types
// compare case-insensitively), with the type's canonical spelling.
func computeKind(typ string) (kind, canonical string) {
	switch strings.ToLower(typ) {
	case "microsoft.compute/virtualmachines":
		return model.KindVM, "Microsoft.Compute/virtualMachines"
	case "microsoft.compute/virtualmachinescalesets":
		return model.KindVMS, "Microsoft.Compute/virtualMachineScaleSets"
	}
	return "", typ
}
