package arm

import (
	"errors"
	"strconv"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

// ErrWhatIfBaseline says that a what-if result given as a baseline is to be
// linted instead: each of its changes carries its own before state.
var ErrWhatIfBaseline = errors.New("a what-if result is not a baseline: lint it (patchcheck lint FILE), and each change's before state is the baseline of its VM")

// ExtractDeployed returns the VMs of a file describing what is deployed
// today, for --baseline: `az vm list` or `az vm show` output (properties at
// the top level), REST bodies (also as a list under "value"), Azure Resource
// Graph results (rows under "data", REST bodies with lower-cased types),
// instance views, or a template (an export of the resource group). Only a template
// can fail: see Extract.
func (a *Adapter) ExtractDeployed(doc *jsonpos.Document) ([]VM, error) {
	root := doc.Root
	list, ptr := deployedList(root)
	if list == nil {
		kind, _ := Classify(doc)
		switch kind {
		case Template:
			return a.Extract(doc)
		case REST:
			return a.ExtractREST(doc)
		case InstanceView:
			return a.ExtractInstanceView(doc), nil
		case WhatIf:
			return nil, ErrWhatIfBaseline
		}
		if root != nil && root.Kind == jsonpos.Object && root.Get("osProfile") != nil {
			return []VM{a.flatVM(doc, root, "")}, nil
		}
		return nil, nil
	}
	var out []VM
	for i, item := range list.Items {
		if item.Kind != jsonpos.Object {
			continue
		}
		if t := item.Get("type"); t != nil && t.Kind == jsonpos.String && !strings.EqualFold(t.Str, "Microsoft.Compute/virtualMachines") && !strings.EqualFold(t.Str, "Microsoft.Compute/virtualMachineScaleSets") {
			continue
		}
		out = append(out, a.flatVM(doc, item, ptr+"/"+strconv.Itoa(i)))
	}
	return out, nil
}

// flatVM normalises one deployed VM object, with its settings under
// "properties" (REST) or at the top level (az CLI).
func (a *Adapter) flatVM(doc *jsonpos.Document, v *jsonpos.Value, ptr string) VM {
	w := &walker{a: a, doc: doc, scope: newScope(doc, nil), flat: v.Get("properties") == nil}
	kind, typ := model.KindVM, "Microsoft.Compute/virtualMachines"
	if t := v.Get("type"); t != nil && strings.EqualFold(t.Str, "Microsoft.Compute/virtualMachineScaleSets") {
		kind, typ = model.KindVMS, t.Str
	}
	return w.vm(v, ptr, "", typ, kind)
}

// deployedList is the list of resources a file of deployed state holds, and
// its pointer: the file itself when it is a list (az vm list,
// Search-AzGraph | ConvertTo-Json), a REST list's value, or Azure Resource
// Graph's data (az graph query prints {"count", "data": [...],
// "skip_token"}, PowerShell {"Data": [...]}). Member names are matched
// ignoring case, as ARM does. nil when the file holds no such list.
func deployedList(root *jsonpos.Value) (*jsonpos.Value, string) {
	switch {
	case root != nil && root.Kind == jsonpos.Array:
		return root, ""
	case root != nil && root.Kind == jsonpos.Object:
		for _, key := range []string{"value", "data"} {
			if m := root.GetMember(key); m != nil && m.Value.Kind == jsonpos.Array {
				return m.Value, "/" + m.Key
			}
		}
	}
	return nil, ""
}
