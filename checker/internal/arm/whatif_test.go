package arm_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

const (
	vmID  = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"
	vmsID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/ss1"
)

// winState is a Windows VM's state as what-if prints it.
func winState(mode string, updates bool) string {
	return fmt.Sprintf(`{"id": %q, "name": "vm1", "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2024-07-01",
  "properties": {"osProfile": {"windowsConfiguration": {"enableAutomaticUpdates": %v, "patchSettings": {"patchMode": %q}}},
    "storageProfile": {"imageReference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2019-Datacenter"}}}}`, vmID, updates, mode)
}

// linuxState is a Linux VM's state with the given patchMode value.
func linuxState(mode string) string {
	return fmt.Sprintf(`{"id": %q, "name": "vm1", "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2024-07-01",
  "properties": {"osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": %q}}},
    "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS"}}}}`, vmID, mode)
}

// change renders one change; an empty before or after is left out.
func change(id, changeType, before, after string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"resourceId": %q, "changeType": %q`, id, changeType)
	if before != "" {
		fmt.Fprintf(&b, `, "before": %s`, before)
	}
	if after != "" {
		fmt.Fprintf(&b, `, "after": %s`, after)
	}
	return b.String() + "}"
}

// cli is az CLI output (changes at the top level) holding changes.
func cli(changes ...string) string {
	return `{"status": "Succeeded", "error": null, "changes": [` + strings.Join(changes, ",\n") + `], "potentialChanges": null, "diagnostics": null}`
}

func whatIf(t *testing.T, src string) (arm.WhatIfResult, error) {
	t.Helper()
	doc, err := jsonpos.Parse("w.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arm.NewAdapter(seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	return a.ExtractWhatIf(doc)
}

func TestClassifyWhatIf(t *testing.T) {
	tests := []struct {
		name, src string
		want      arm.Kind
	}{
		{"az CLI output", cli(), arm.WhatIf},
		{"REST body: changes under properties", `{"status": "Succeeded", "properties": {"changes": []}}`, arm.WhatIf},
		{"potentialChanges only", `{"status": "Succeeded", "potentialChanges": []}`, arm.WhatIf},
		{"diagnostics only", `{"status": "Succeeded", "properties": {"diagnostics": null}}`, arm.WhatIf},
		{"a failed operation", `{"status": "Failed", "error": {"code": "X", "message": "m"}}`, arm.WhatIf},
		{"changes without a status", `{"changes": []}`, arm.Unknown},
		{"another tool's status and diagnostics", `{"status": "ok", "diagnostics": [{"file": "a.ts", "line": 3}]}`, arm.Unknown},
		{"another tool's status and changes", `{"status": "draft", "changes": [{"file": "a"}]}`, arm.Unknown},
		{"a status and changes that are not a list", `{"status": "draft", "changes": "none"}`, arm.Unknown},
		{"diagnostics as what-if gives them", `{"status": "Succeeded", "diagnostics": [{"level": "Warning", "code": "X", "message": "m"}]}`, arm.WhatIf},
		{"a status alone", `{"status": "Succeeded"}`, arm.Unknown},
		{"status and error beside other members", `{"status": "Failed", "error": {"code": "X"}, "policyRule": {}}`, arm.Unknown},
		{"a template with a status parameter", `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "status": "x", "changes": [], "resources": []}`, arm.Template},
		{"a VM body", `{"type": "Microsoft.Compute/virtualMachines", "properties": {"osProfile": {}}}`, arm.REST},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := jsonpos.Parse("w.json", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if got, why := arm.Classify(doc); got != tt.want {
				t.Errorf("Classify = %s (%s), want %s", got, why, tt.want)
			}
		})
	}
}

// TestWhatIfChanges: which changes become checked VMs, which are listed as
// unchecked or deleted, with what baseline, under each change type and
// with nulls and missing states.
func TestWhatIfChanges(t *testing.T) {
	type want struct {
		vms, unchecked, deleted int
		changeType              string // of the first VM, or of the first unchecked change
		baseline                string // the first VM's baseline patchMode, "" for none
		minor                   bool   // the first unchecked change is info
		notChecked              string // in the first unchecked change's reason
	}
	tests := []struct {
		name string
		src  string
		want want
	}{
		{"Create of a Linux VM: no before, so no baseline",
			cli(change(vmID, "Create", "null", linuxState("AutomaticByPlatform"))), want{vms: 1, changeType: "Create"}},
		{"Modify of a Windows VM: its before state is the baseline",
			cli(change(vmID, "Modify", winState("Manual", false), winState("AutomaticByPlatform", true))), want{vms: 1, changeType: "Modify", baseline: "Manual"}},
		{"NoChange is checked too",
			cli(change(vmID, "NoChange", winState("AutomaticByOS", true), winState("AutomaticByOS", true))), want{vms: 1, changeType: "NoChange", baseline: "AutomaticByOS"}},
		{"Deploy is checked",
			cli(change(vmID, "Deploy", "", winState("AutomaticByOS", true))), want{vms: 1, changeType: "Deploy"}},
		{"change types compare case-insensitively",
			cli(change(vmID, "modify", "", winState("AutomaticByOS", true))), want{vms: 1, changeType: "modify"}},
		{"Delete is listed, not checked",
			cli(change(vmID, "Delete", winState("Manual", false), "null")), want{deleted: 1}},
		{"Ignore of an existing VM without a reason is minor",
			cli(change(vmID, "Ignore", winState("Manual", false), "")), want{unchecked: 1, changeType: "Ignore", minor: true, notChecked: "neither deploys nor modifies"}},
		{"Ignore of a VM that does not exist: Azure did not evaluate it",
			cli(change(vmID, "Ignore", "null", "null")), want{unchecked: 1, changeType: "Ignore", notChecked: "does not exist yet"}},
		{"Ignore with Azure's reason",
			`{"status": "Succeeded", "changes": [{"resourceId": "` + vmID + `", "changeType": "Ignore", "unsupportedReason": "nested template limit"}]}`,
			want{unchecked: 1, changeType: "Ignore", notChecked: "what-if Ignore: nested template limit"}},
		{"Unsupported with Azure's reason",
			`{"status": "Succeeded", "changes": [{"resourceId": "` + vmID + `", "changeType": "Unsupported", "unsupportedReason": "reference() cannot be evaluated", "before": null, "after": null}]}`,
			want{unchecked: 1, changeType: "Unsupported", notChecked: "what-if Unsupported: reference() cannot be evaluated"}},
		{"Unsupported without a reason",
			cli(change(vmID, "Unsupported", "", "")), want{unchecked: 1, changeType: "Unsupported", notChecked: "without a reason"}},
		{"Create without an after state (ResourceIdOnly)",
			cli(change(vmID, "Create", "", "")), want{unchecked: 1, changeType: "Create", notChecked: "no after state"}},
		{"Modify with a null after state",
			cli(change(vmID, "Modify", winState("Manual", false), "null")), want{unchecked: 1, changeType: "Modify", notChecked: "no after state"}},
		{"a change type patchcheck does not know",
			cli(change(vmID, "Replace", "", winState("Manual", false))), want{unchecked: 1, changeType: "Replace", notChecked: "does not know"}},
		{"a scale set's profile is checked, its before is the baseline",
			cli(change(vmsID, "Modify",
				`{"type": "Microsoft.Compute/virtualMachineScaleSets", "properties": {"virtualMachineProfile": {"osProfile": {"windowsConfiguration": {"patchSettings": {"patchMode": "AutomaticByOS"}}}}}}`,
				`{"type": "Microsoft.Compute/virtualMachineScaleSets", "properties": {"virtualMachineProfile": {"osProfile": {"windowsConfiguration": {"patchSettings": {"patchMode": "AutomaticByPlatform"}}}}}}`)),
			want{vms: 1, changeType: "Modify", baseline: "AutomaticByOS"}},
		{"a scale set without a profile before has no baseline",
			cli(change(vmsID, "Modify", `{"properties": {"orchestrationMode": "Flexible"}}`,
				`{"properties": {"virtualMachineProfile": {"osProfile": {"linuxConfiguration": {}}}}}`)),
			want{vms: 1, changeType: "Modify"}},
		{"resource types compare case-insensitively",
			cli(change("/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/VIRTUALMACHINES/vm1", "Create", "", linuxState("ImageDefault"))),
			want{vms: 1, changeType: "Create"}},
		{"the type comes from the last provider of the ID",
			cli(change("/subscriptions/s/providers/Microsoft.Resources/deployments/d/providers/Microsoft.Compute/virtualMachines/vm1", "Create", "", linuxState("ImageDefault"))),
			want{vms: 1, changeType: "Create"}},
		{"without a resourceId, the after state's type says it is a VM",
			`{"status": "Succeeded", "changes": [{"changeType": "Create", "after": ` + linuxState("ImageDefault") + `}]}`,
			want{vms: 1, changeType: "Create"}},
		{"a VM extension is not a VM",
			cli(change(vmID+"/extensions/ext", "Create", "", `{"type": "Microsoft.Compute/virtualMachines/extensions", "properties": {}}`)), want{}},
		{"a scale-set instance is not a VM of the template",
			cli(change(vmsID+"/virtualMachines/0", "Modify", "", `{"properties": {"osProfile": {}}}`)), want{}},
		{"a resource group created by a subscription what-if, without states, is not a VM",
			cli(change("/subscriptions/s/resourceGroups/rg", "Create", "", "")), want{}},
		{"other resources are passed over",
			cli(change("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic", "Create", "", `{"properties": {}}`)), want{}},
		{"REST body: changes and potential changes under properties",
			`{"status": "Succeeded", "properties": {"changes": [` + change(vmID, "Create", "", linuxState("ImageDefault")) + `], "potentialChanges": [` +
				change(vmID, "Modify", "", linuxState("ImageDefault")) + `]}}`,
			want{vms: 2, changeType: "Create"}},
		{"null lists", `{"status": "succeeded", "changes": null, "potentialChanges": null}`, want{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := whatIf(t, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			w := tt.want
			if len(res.VMs) != w.vms || len(res.Unchecked) != w.unchecked || len(res.Deleted) != w.deleted {
				t.Fatalf("%d VMs, %d unchecked, %d deleted; want %d, %d, %d", len(res.VMs), len(res.Unchecked), len(res.Deleted), w.vms, w.unchecked, w.deleted)
			}
			if w.vms > 0 {
				vm := res.VMs[0]
				if vm.Change == nil || vm.Change.ChangeType != w.changeType || !vm.Exact {
					t.Fatalf("change %+v exact %v, want change type %s, exact", vm.Change, vm.Exact, w.changeType)
				}
				if vm.Facts.Name != vm.Change.ResourceID || vm.Change.Name != "vm1" && vm.Change.Name != "ss1" {
					t.Errorf("VM named %q, change %q / %q: want the resource ID and the VM's name", vm.Facts.Name, vm.Change.ResourceID, vm.Change.Name)
				}
				switch b := vm.Change.Before; {
				case w.baseline == "" && b != nil:
					t.Errorf("baseline %+v, want none", b.PatchMode)
				case w.baseline != "" && (b == nil || b.PatchMode.Value != w.baseline):
					t.Errorf("baseline %+v, want patchMode %s", b, w.baseline)
				case b != nil && !strings.Contains(b.Where.Pointer, "/before"):
					t.Errorf("baseline at %s, want inside the change's before state", b.Where.Pointer)
				}
			}
			if w.unchecked > 0 {
				c := res.Unchecked[0]
				if c.ChangeType != w.changeType || c.Minor != w.minor || !strings.Contains(c.NotChecked, w.notChecked) || c.ResourceID != vmID {
					t.Errorf("unchecked %+v; want change type %s, minor %v, reason with %q, ID %s", c, w.changeType, w.minor, w.notChecked, vmID)
				}
				if c.Loc.Line < 1 || !strings.HasSuffix(c.Loc.Pointer, "/changeType") {
					t.Errorf("unchecked change at %+v, want its changeType", c.Loc)
				}
			}
		})
	}
}

// TestWhatIfValuesAreExact: what-if values were evaluated by Azure, so a
// string in brackets is a value (no PC011, the schema sees it) and "[[" is
// not an escape.
func TestWhatIfValuesAreExact(t *testing.T) {
	tests := []struct{ mode, want string }{
		{"[parameters('patchMode')]", "[parameters('patchMode')]"},
		{"[[x]", "[[x]"},
		{"AutomaticByPlatform", "AutomaticByPlatform"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			res, err := whatIf(t, cli(change(vmID, "Create", "", linuxState(tt.mode))))
			if err != nil {
				t.Fatal(err)
			}
			f := res.VMs[0].Facts
			if f.PatchMode.State != model.Literal || f.PatchMode.Value != tt.want || len(f.Unresolved) != 0 {
				t.Errorf("patchMode %+v, unresolved %+v; want the literal %q and nothing unresolved", f.PatchMode, f.Unresolved, tt.want)
			}
			if want := "/changes/0/after/properties/osProfile/linuxConfiguration/patchSettings/patchMode"; f.PatchMode.Loc.Pointer != want {
				t.Errorf("patchMode at %s, want %s", f.PatchMode.Loc.Pointer, want)
			}
		})
	}
}

// TestWhatIfErrors: a what-if Azure did not complete, and a result whose
// shape hides what a change does, are errors at the place that says so.
func TestWhatIfErrors(t *testing.T) {
	tests := []struct {
		name, src  string
		line, col  int
		msg        string
		notInMsg   string
		forcedOnly bool // not detected as a what-if by content
	}{
		{"status Failed with Azure's error and details",
			"{\"status\": \"Failed\",\n \"error\": {\"code\": \"InvalidTemplate\", \"message\": \"Deployment template validation failed.\", \"details\": [{\"code\": \"A\", \"message\": \"a\"}, {\"code\": \"B\", \"message\": \"b\"}, {\"code\": \"C\", \"message\": \"c\"}, {\"code\": \"D\", \"message\": \"d\"}]}}",
			2, 2, `the what-if did not succeed (status "Failed"): Azure's error: InvalidTemplate: Deployment template validation failed. (details: A: a; B: b; C: c; and 1 more)`, "D: d", false},
		{"an error beside status Succeeded", `{"status": "Succeeded", "changes": [], "error": {"message": "partial"}}`, 1, 40, "Azure's error: partial", "", false},
		{"an error given as a string", `{"status": "Failed", "changes": null, "error": "quota"}`, 1, 39, "Azure's error: quota", "", false},
		{"a status that is not Succeeded, without an error", `{"status": "Canceled", "changes": []}`, 1, 2, `the what-if did not succeed (status "Canceled") and Azure gave no error`, "", false},
		{"no status", `{"changes": []}`, 1, 1, "has no status", "", true},
		{"a status that is not a string", `{"status": 1, "changes": []}`, 1, 2, "status is a number", "", true},
		{"the top level is an array", `[]`, 1, 1, "the top level is an array", "", true},
		{"changes is not an array", `{"status": "Succeeded", "changes": {}}`, 1, 25, "changes is an object, expected an array", "", true},
		{"a change is not an object", "{\"status\": \"Succeeded\", \"changes\": [\n 1]}", 2, 2, "changes[0] is a number, expected a change object", "", true},
		{"a later change is not an object", "{\"status\": \"Succeeded\", \"changes\": [{\"resourceId\": \"/subscriptions/s/resourceGroups/rg\", \"changeType\": \"Create\"},\n 1]}", 2, 2, "changes[1] is a number, expected a change object", "", false},
		{"after is not an object", `{"status": "Succeeded", "changes": [{"resourceId": "x", "after": "y"}]}`, 1, 57, "changes[0].after is a string", "", false},
		{"resourceId is not a string", `{"status": "Succeeded", "changes": [{"resourceId": 7}]}`, 1, 38, "changes[0].resourceId is a number", "", false},
		{"no resourceId and no type", `{"status": "Succeeded", "potentialChanges": [{"changeType": "Create", "after": {"name": "x"}}]}`, 1, 46, "potentialChanges[0] has no resourceId and no resource type", "", false},
		{"a VM change without a changeType", `{"status": "Succeeded", "changes": [{"resourceId": "` + vmID + `", "changeType": null}]}`, 1, 138, "has no changeType", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := jsonpos.Parse("w.json", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if kind, _ := arm.Classify(doc); (kind == arm.WhatIf) == tt.forcedOnly {
				t.Errorf("Classify = %s; detected by content: want %v", kind, !tt.forcedOnly)
			}
			_, err = whatIf(t, tt.src)
			var we *arm.WhatIfError
			if !errors.As(err, &we) {
				t.Fatalf("err = %v, want a *WhatIfError", err)
			}
			if we.File != "w.json" || we.Line != tt.line || we.Column != tt.col || !strings.Contains(we.Msg, tt.msg) || tt.notInMsg != "" && strings.Contains(we.Msg, tt.notInMsg) {
				t.Errorf("error %q at %d:%d; want %q at %d:%d", we.Msg, we.Line, we.Column, tt.msg, tt.line, tt.col)
			}
			if !strings.HasPrefix(err.Error(), fmt.Sprintf("w.json:%d:%d: ", tt.line, tt.col)) {
				t.Errorf("Error() = %q, want it to start with the file:line:column", err)
			}
		})
	}
}

// TestWhatIfIsNotABaseline: --baseline says to lint a what-if rather than
// finding "no virtual machine".
func TestWhatIfIsNotABaseline(t *testing.T) {
	doc, err := jsonpos.Parse("w.json", []byte(cli(change(vmID, "Modify", winState("Manual", false), winState("Manual", false)))))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arm.NewAdapter(seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ExtractDeployed(doc); !errors.Is(err, arm.ErrWhatIfBaseline) {
		t.Errorf("ExtractDeployed(what-if) = %v, want ErrWhatIfBaseline", err)
	}
}
