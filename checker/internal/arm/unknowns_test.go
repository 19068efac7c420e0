package arm_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

// TestUnknownPartsPointAtTheirKey checks where PC011 points for an unknown
// part of a value patchcheck resolved: at the member as written (in the
// variable or parameter default the value came from), with that member's
// own expression; and, where the member is not written anywhere (a value
// built by createObject), at the expression that built it.
func TestUnknownPartsPointAtTheirKey(t *testing.T) {
	tests := []struct {
		name          string
		template      string
		ptr, expr     string
		line, column  int
		wantUnchanged bool // the unknown part has no key of its own in the file
	}{
		{
			name: "windowsConfiguration from a variable",
			template: `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
"parameters":{"ps":{"type":"object"}},
"variables":{"wc":{"provisionVMAgent":true,
  "patchSettings":"[parameters('ps')]"}},
"resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"windowsConfiguration":"[variables('wc')]"}}}]}`,
			ptr: "/variables/wc/patchSettings", expr: "[parameters('ps')]", line: 4, column: 3,
		},
		{
			name: "through a second variable and an if with a known condition",
			template: `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
"parameters":{"mode":{"type":"string"},"os":{"type":"string","defaultValue":"Windows"}},
"variables":{"ps":{"patchMode":"[parameters('mode')]"},"wc":{"patchSettings":"[variables('ps')]"}},
"resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"windowsConfiguration":"[if(equals(parameters('os'), 'Windows'), variables('wc'), null())]"}}}]}`,
			ptr: "/variables/ps/patchMode", expr: "[parameters('mode')]", line: 3, column: 20,
		},
		{
			name: "a parameter's default value",
			template: `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
"parameters":{"mode":{"type":"string"},"lc":{"type":"object","defaultValue":{"patchSettings":{"patchMode":"[parameters('mode')]"}}}},
"resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"linuxConfiguration":"[parameters('lc')]"}}}]}`,
			ptr: "/parameters/lc/defaultValue/patchSettings/patchMode", expr: "[parameters('mode')]", line: 2, column: 95,
		},
		{
			name: "built by createObject: no key of its own",
			template: `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
"parameters":{"mode":{"type":"string"}},
"resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"linuxConfiguration":"[createObject('patchSettings', createObject('patchMode', parameters('mode')))]"}}}]}`,
			wantUnchanged: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vms := extract(t, tt.template)
			vm := vms[0].Facts
			if len(vm.Unresolved) == 0 {
				if tt.wantUnchanged {
					return // the whole expression is unknown: nothing resolved to point into
				}
				t.Fatalf("no unresolved entry; facts %+v", vm.PatchMode)
			}
			u := vm.Unresolved[0]
			if tt.wantUnchanged {
				if !strings.HasPrefix(u.Loc.Pointer, "/resources/0/") {
					t.Errorf("unresolved %+v: want it at the resource's expression", u)
				}
				return
			}
			if u.Loc.Pointer != tt.ptr || u.Expression != tt.expr || u.Loc.Line != tt.line || u.Loc.Column != tt.column {
				t.Errorf("unresolved %+v, want %s %s at %d:%d", u, tt.ptr, tt.expr, tt.line, tt.column)
			}
			if !strings.Contains(u.Reason, "no defaultValue") {
				t.Errorf("reason %q", u.Reason)
			}
		})
	}
}

// TestHiddenSettingsAreNotPresent: an unresolved ancestor hides the
// settings below it; a setting written as an expression is present.
func TestHiddenSettingsAreNotPresent(t *testing.T) {
	vms := extract(t, vmTemplate(`{"type":"Microsoft.Compute/virtualMachines","apiVersion":"2019-07-01","name":"v","properties":{"osProfile":{
		"windowsConfiguration":{"patchSettings":{"assessmentMode":"[parameters('am')]","automaticByPlatformSettings":"[parameters('abp')]"}}}}}`))
	vm := vms[0].Facts
	if vm.AssessmentMode.State != model.Expression {
		t.Errorf("assessmentMode written as an expression: %+v", vm.AssessmentMode)
	}
	if vm.RebootSetting.State != model.Hidden || vm.BypassSafetyChecks.State != model.Hidden || vm.EnableHotpatching.State != model.Absent {
		t.Errorf("reboot %+v bypass %+v hotpatching %+v", vm.RebootSetting, vm.BypassSafetyChecks, vm.EnableHotpatching)
	}
	// Azure's default mode follows enableAutomaticUpdates: with it
	// unknown, no mode is assumed.
	vms = extract(t, vmTemplate(`{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"windowsConfiguration":{"enableAutomaticUpdates":"[parameters('eau')]"}}}}`))
	expectFact(t, vms[0].Facts.PatchMode, model.Absent, nil)
}

// TestHealthExtensionUnknown: an extension list or type patchcheck cannot
// resolve is recorded, so PC017 does not report the extension missing.
func TestHealthExtensionUnknown(t *testing.T) {
	tests := []struct {
		name, profile string
		found, noted  bool
	}{
		{"found", `"extensionProfile":{"extensions":[{"name":"h","properties":{"type":"ApplicationHealthLinux"}}]}`, true, false},
		{"found through a variable", `"extensionProfile":{"extensions":"[variables('exts')]"}`, true, false},
		{"list unresolved", `"extensionProfile":{"extensions":"[parameters('exts')]"}`, false, true},
		{"type unresolved", `"extensionProfile":{"extensions":[{"name":"h","properties":{"type":"[parameters('t')]"}}]}`, false, true},
		{"absent", `"extensionProfile":{"extensions":[{"name":"c","properties":{"type":"CustomScript"}}]}`, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vms := extract(t, vmTemplateWith(`{"exts":[{"name":"h","properties":{"type":"ApplicationHealthWindows"}}]}`,
				`{"type":"Microsoft.Compute/virtualMachineScaleSets","name":"s","properties":{"orchestrationMode":"Flexible","virtualMachineProfile":{`+tt.profile+`}}}`))
			vm := vms[0].Facts
			noted := false
			for _, u := range vm.Unresolved {
				noted = noted || u.Topic == model.TopicHealthExtension
			}
			if vm.HealthExtension != tt.found || noted != tt.noted {
				t.Errorf("healthExtension %v, unresolved %+v", vm.HealthExtension, vm.Unresolved)
			}
		})
	}
}

// TestScaleSetWithoutProfile: a scale set without virtualMachineProfile
// defines no VM; one whose profile is an expression may define one.
func TestScaleSetWithoutProfile(t *testing.T) {
	tests := []struct {
		name, res string
		noProfile bool
	}{
		{"Flexible, created empty", `{"type":"Microsoft.Compute/virtualMachineScaleSets","name":"s","properties":{"orchestrationMode":"Flexible","platformFaultDomainCount":1}}`, true},
		{"only sku.capacity", `{"type":"Microsoft.Compute/virtualMachineScaleSets","name":"s","sku":{"capacity":3}}`, true},
		{"null profile", `{"type":"Microsoft.Compute/virtualMachineScaleSets","name":"s","properties":{"virtualMachineProfile":null}}`, true},
		{"profile from an unresolved expression", `{"type":"Microsoft.Compute/virtualMachineScaleSets","name":"s","properties":{"virtualMachineProfile":"[parameters('p')]"}}`, false},
		{"properties from an unresolved expression", `{"type":"Microsoft.Compute/virtualMachineScaleSets","name":"s","properties":"[parameters('p')]"}`, false},
		{"empty profile", `{"type":"Microsoft.Compute/virtualMachineScaleSets","name":"s","properties":{"virtualMachineProfile":{}}}`, false},
		{"a VM without profiles is still a VM", `{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vms := extract(t, vmTemplate(tt.res))
			if len(vms) != 1 || vms[0].NoProfile != tt.noProfile {
				t.Errorf("got %+v", vms)
			}
		})
	}
}

// TestAttachedOSDisk: a VM that attaches an existing OS disk has no
// osProfile and no imageReference; its OS comes from osDisk.osType.
func TestAttachedOSDisk(t *testing.T) {
	for osType, want := range map[string]string{"Windows": "windows", "linux": "linux"} {
		vms := extract(t, vmTemplate(`{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"storageProfile":{"osDisk":{"osType":"`+osType+`","createOption":"Attach","managedDisk":{"id":"[parameters('disk')]"}}}}}`))
		vm := vms[0].Facts
		if vm.OS.Value != want || vm.OS.Source != "storageProfile.osDisk.osType" || vm.Image.Kind != model.ImageNone || len(vm.Unresolved) != 0 {
			t.Errorf("%s: os %+v image %s unresolved %+v", osType, vm.OS, vm.Image.Kind, vm.Unresolved)
		}
	}
}

// TestEmptyImagePartsQuoted: an empty publisher or offer shows as "".
func TestEmptyImagePartsQuoted(t *testing.T) {
	vms := extract(t, vmTemplate(`{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"storageProfile":{"imageReference":{"publisher":"","offer":"","sku":"x"}}}}`))
	if src := vms[0].Facts.OS.Source; !strings.Contains(src, `image publisher "" offer "" not recognised`) {
		t.Errorf("os source %q", src)
	}
}

// TestPointerTo finds values by identity through objects, arrays and
// duplicate keys, using only start offsets.
func TestPointerTo(t *testing.T) {
	doc, err := jsonpos.Parse("t.json", []byte(`{"a":{"b":[1,{"c/d":"x"},[true]]},"a":{"e~":"y"},"z":null}`))
	if err != nil {
		t.Fatal(err)
	}
	root := doc.Root
	first, second := root.Members[0].Value, root.Members[1].Value
	tests := map[string]*jsonpos.Value{
		"":            root,
		"/a/b/1/c~1d": first.Members[0].Value.Items[1].Members[0].Value,
		"/a/b/2/0":    first.Members[0].Value.Items[2].Items[0],
		"/a/e~0":      second.Members[0].Value,
		"/z":          root.Members[2].Value,
		"/a/b":        first.Members[0].Value,
	}
	for want, v := range tests {
		if got, ok := arm.PointerTo(root, v); !ok || got != want {
			t.Errorf("got %q %v, want %q", got, ok, want)
		}
	}
	other := &jsonpos.Value{Kind: jsonpos.String, Offset: 5}
	if _, ok := arm.PointerTo(root, other); ok {
		t.Error("a value outside the document has no pointer")
	}
}

// TestScaleSetExtensionsBeside: an extension resource deployed beside its
// scale set (as compiled Bicep writes a child with parent:, or a module
// does) counts for the scale set it names; one that may name it (an
// unresolved name or type) is recorded, never taken as missing.
func TestScaleSetExtensionsBeside(t *testing.T) {
	vmss := `{"type":"Microsoft.Compute/virtualMachineScaleSets","name":"[parameters('name')]","properties":{"orchestrationMode":"Flexible","virtualMachineProfile":{}}}`
	ext := func(name, typ string) string {
		return `{"type":"Microsoft.Compute/virtualMachineScaleSets/extensions","name":"` + name + `","properties":{"type":"` + typ + `"}}`
	}
	tests := []struct {
		name, params, resources string
		found, noted            bool
	}{
		{"its own health extension", `{"name":{"type":"string","defaultValue":"web"}}`, vmss + "," + ext("[format('{0}/{1}', parameters('name'), 'health')]", "ApplicationHealthLinux"), true, false},
		{"another scale set's", `{"name":{"type":"string","defaultValue":"web"}}`, vmss + "," + ext("api/health", "ApplicationHealthLinux"), false, false},
		{"not a health extension", `{"name":{"type":"string","defaultValue":"web"}}`, vmss + "," + ext("web/script", "CustomScript"), false, false},
		{"type unresolved", `{"name":{"type":"string","defaultValue":"web"},"t":{"type":"string"}}`, vmss + "," + ext("web/x", "[parameters('t')]"), false, true},
		{"extension name unresolved", `{"name":{"type":"string","defaultValue":"web"},"n":{"type":"string"}}`, vmss + "," + ext("[parameters('n')]", "ApplicationHealthWindows"), false, true},
		{"scale set name unresolved", `{"name":{"type":"string"}}`, vmss + "," + ext("web/health", "ApplicationHealthWindows"), false, true},
		{"in a nested deployment with inner scope", `{"name":{"type":"string","defaultValue":"web"}}`, vmss + `,{"type":"Microsoft.Resources/deployments","name":"ext","properties":{"expressionEvaluationOptions":{"scope":"inner"},"parameters":{"vmss":{"value":"[parameters('name')]"}},"template":{"parameters":{"vmss":{"type":"string"}},"resources":[` + ext("[format('{0}/HealthExtension', parameters('vmss'))]", "ApplicationHealthLinux") + `]}}}`, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vms := extract(t, `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","parameters":`+tt.params+`,"resources":[`+tt.resources+`]}`)
			vm := vms[0].Facts
			noted := false
			for _, u := range vm.Unresolved {
				noted = noted || u.Topic == model.TopicHealthExtension
			}
			if vm.HealthExtension != tt.found || noted != tt.noted {
				t.Errorf("healthExtension %v, unresolved %+v", vm.HealthExtension, vm.Unresolved)
			}
		})
	}
}

// TestBothOSBlocksWithUnknownOS: with windowsConfiguration and
// linuxConfiguration both set and nothing else saying the OS, neither
// block's patch settings are the VM's.
func TestBothOSBlocksWithUnknownOS(t *testing.T) {
	vms := extract(t, vmTemplate(`{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{
		"windowsConfiguration":{"patchSettings":{"patchMode":"AutomaticByPlatform"}},"linuxConfiguration":{"patchSettings":{"patchMode":"ImageDefault"}}},
		"storageProfile":{"imageReference":{"id":"/subscriptions/s/images/golden"}}}}`))
	vm := vms[0].Facts
	if vm.OS.Value != "unknown" || vm.PatchSettings.Present || vm.PatchMode.State != model.Absent {
		t.Errorf("os %+v patchSettings %+v patchMode %+v", vm.OS, vm.PatchSettings, vm.PatchMode)
	}
	// With the image saying Windows, the Windows block is read.
	vms = extract(t, vmTemplate(`{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{
		"windowsConfiguration":{"patchSettings":{"patchMode":"AutomaticByPlatform"}},"linuxConfiguration":{}},
		"storageProfile":{"imageReference":{"publisher":"MicrosoftWindowsServer","offer":"WindowsServer","sku":"2019-Datacenter"}}}}`))
	expectFact(t, vms[0].Facts.PatchMode, model.Literal, "AutomaticByPlatform")
}

// TestDeclarationSearchIsBounded: variables that each name the next many
// times would make the search for an unknown part's key exponential; it
// stops after a fixed number of reads and keeps the ancestor's position.
func TestDeclarationSearchIsBounded(t *testing.T) {
	vars := []string{`"wc":{"patchSettings":"[parameters('ps')]"}`}
	for i := range 12 {
		refs := strings.Repeat(fmt.Sprintf("variables('a%d'), ", i+1), 10)
		vars = append(vars, fmt.Sprintf(`"a%d":"[union(%s variables('wc'))]"`, i, refs))
	}
	vars = append(vars, `"a12":{}`)
	src := `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
"parameters":{"ps":{"type":"object"}},"variables":{` + strings.Join(vars, ",") + `},
"resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"windowsConfiguration":"[if(equals(1, 1), variables('wc'), variables('a0'))]"}}}]}`
	vms := extract(t, src)
	if u := vms[0].Facts.Unresolved; len(u) != 1 || !strings.HasPrefix(u[0].Loc.Pointer, "/resources/0/") {
		t.Errorf("unresolved %+v", u)
	}
}
