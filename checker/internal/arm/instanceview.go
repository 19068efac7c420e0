package arm

import (
	"strconv"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

// instanceViewOf returns the instance view a document carries, or nil.
func instanceViewOf(root *jsonpos.Value) *jsonpos.Value {
	if root == nil || root.Kind != jsonpos.Object {
		return nil
	}
	if iv := root.Get("instanceView"); iv != nil && iv.Kind == jsonpos.Object {
		return iv // az vm get-instance-view: properties flattened at the top
	}
	if p := root.Get("properties"); p != nil && p.Kind == jsonpos.Object {
		if iv := p.Get("instanceView"); iv != nil && iv.Kind == jsonpos.Object {
			return iv // REST GET with $expand=instanceView
		}
	}
	if root.Get("vmAgent") != nil || root.Get("patchStatus") != nil {
		return root // the bare instanceView body
	}
	return nil
}

// ExtractInstanceView normalises a VM with its instance view: the model's
// settings where the document has them, plus the running agent's version
// and the patch status (D19).
func (a *Adapter) ExtractInstanceView(doc *jsonpos.Document) []VM {
	root := doc.Root
	iv := instanceViewOf(root)
	w := &walker{a: a, doc: doc, scope: newScope(doc, nil)}
	switch {
	case iv == root:
		w.noDefaults = true
	case root.Get("instanceView") != nil:
		w.flat = true
	}
	vm := w.vm(root, "", "", "Microsoft.Compute/virtualMachines", model.KindVM)
	vm.NullIsAbsent = true
	f := &facts{w: w, vm: vm.Facts, seen: map[string]bool{}}
	ivPtr := "/instanceView"
	if iv == root {
		ivPtr = ""
	} else if !w.flat {
		ivPtr = "/properties/instanceView"
	}
	ivNode := &node{v: iv, ptr: ivPtr, offset: iv.Offset, prop: "instanceView"}
	f.vm.AgentVersion = f.fact(ivNode.child("vmAgent").child("vmAgentVersion"), jsonpos.String, "agentVersion")
	if f.vm.OS.Value == "unknown" {
		if name := ivNode.child("osName"); name.v != nil && name.v.Kind == jsonpos.String && name.v.Str != "" {
			os := "linux"
			if strings.Contains(strings.ToLower(name.v.Str), "windows") {
				os = "windows"
			}
			f.vm.OS = model.OS{Value: os, Source: "instanceView.osName " + name.v.Str}
		}
	}
	if ps := ivNode.child("patchStatus"); ps.object() {
		f.vm.PatchStatus = f.patchStatus(ps)
	}
	vm.Facts = f.vm
	return []VM{vm}
}

func (f *facts) patchStatus(ps *node) *model.PatchStatus {
	str := func(n *node) string {
		if n.v != nil && n.v.Kind == jsonpos.String {
			return n.v.Str
		}
		return ""
	}
	num := func(n *node) int {
		if n.v != nil && n.v.Kind == jsonpos.Number {
			i, _ := strconv.Atoi(n.v.Str)
			return i
		}
		return 0
	}
	avail := ps.child("availablePatchSummary")
	last := ps.child("lastPatchInstallationSummary")
	return &model.PatchStatus{
		AvailableStatus:     str(avail.child("status")),
		CriticalAndSecurity: num(avail.child("criticalAndSecurityPatchCount")),
		Other:               num(avail.child("otherPatchCount")),
		AssessedAt:          str(avail.child("lastModifiedTime")),
		InstallationStatus:  str(last.child("status")),
		Installed:           num(last.child("installedPatchCount")),
		Failed:              num(last.child("failedPatchCount")),
		Pending:             num(last.child("pendingPatchCount")),
		NotSelected:         num(last.child("notSelectedPatchCount")),
		Excluded:            num(last.child("excludedPatchCount")),
		InstalledAt:         str(last.child("lastModifiedTime")),
		Loc:                 f.loc(ps),
	}
}
