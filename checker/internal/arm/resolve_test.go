package arm_test

import (
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/model"
)

func TestResolvesParametersAndVariables(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, vm model.VM)
	}{
		{
			name: "parameter default",
			src: `{"parameters":{"patchMode":{"type":"string","defaultValue":"AutomaticByPlatform"}},
			  "resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v","apiVersion":"2021-03-01",
			  "properties":{"osProfile":{"linuxConfiguration":{"patchSettings":{"patchMode":"[parameters('patchMode')]"}}}}}]}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.PatchMode.State != model.Resolved || vm.PatchMode.Value != "AutomaticByPlatform" || vm.PatchMode.Expression != "[parameters('patchMode')]" {
					t.Errorf("patchMode %+v", vm.PatchMode)
				}
				if !strings.HasSuffix(vm.PatchMode.Loc.Pointer, "/patchSettings/patchMode") || vm.PatchMode.Loc.Line != 3 {
					t.Errorf("a resolved value points at the template property, got %+v", vm.PatchMode.Loc)
				}
				if len(vm.Unresolved) != 0 {
					t.Errorf("unresolved %+v", vm.Unresolved)
				}
			},
		},
		{
			name: "AVM style: patchSettings built by if(createObject(...))",
			src: `{"parameters":{"enableAutomaticUpdates":{"type":"bool","defaultValue":true},"patchMode":{"type":"string","defaultValue":""},"osType":{"type":"string","defaultValue":"Windows"}},
			  "variables":{"windowsConfiguration":{"provisionVMAgent":true,"enableAutomaticUpdates":"[parameters('enableAutomaticUpdates')]",
			    "patchSettings":"[if(and(not(empty(parameters('patchMode'))), equals(toLower(parameters('osType')), 'windows')), createObject('patchMode', parameters('patchMode')), null())]"}},
			  "resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v","apiVersion":"2023-03-01",
			  "properties":{"osProfile":{"windowsConfiguration":"[if(equals(toLower(parameters('osType')), 'windows'), variables('windowsConfiguration'), null())]"}}}]}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.OS.Value != "windows" {
					t.Errorf("os %+v", vm.OS)
				}
				if vm.EnableAutomaticUpdates.State != model.Resolved || vm.EnableAutomaticUpdates.Value != true {
					t.Errorf("enableAutomaticUpdates %+v", vm.EnableAutomaticUpdates)
				}
				// patchSettings resolved to null: Azure's default applies.
				if vm.PatchMode.State != model.Default || vm.PatchMode.Value != "AutomaticByOS" {
					t.Errorf("patchMode %+v", vm.PatchMode)
				}
			},
		},
		{
			name: "missing value says which parameter",
			src: `{"parameters":{"mode":{"type":"string"}},"resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v",
			  "properties":{"osProfile":{"linuxConfiguration":{"patchSettings":{"patchMode":"[parameters('mode')]"}}}}}]}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.PatchMode.State != model.Expression || len(vm.Unresolved) != 1 || !strings.Contains(vm.Unresolved[0].Reason, "parameter 'mode' has no defaultValue") {
					t.Errorf("patchMode %+v unresolved %+v", vm.PatchMode, vm.Unresolved)
				}
			},
		},
		{
			name: "nested deployment with inner scope gets its parameters from the outer template",
			src: `{"parameters":{"outerMode":{"type":"string","defaultValue":"Manual"}},
			  "resources":[{"type":"Microsoft.Resources/deployments","name":"d","properties":{
			    "expressionEvaluationOptions":{"scope":"inner"},
			    "parameters":{"mode":{"value":"[parameters('outerMode')]"}},
			    "template":{"parameters":{"mode":{"type":"string"}},"resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v",
			      "properties":{"osProfile":{"windowsConfiguration":{"enableAutomaticUpdates":false,"patchSettings":{"patchMode":"[parameters('mode')]"}}}}}]}}}]}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.PatchMode.State != model.Resolved || vm.PatchMode.Value != "Manual" {
					t.Errorf("patchMode %+v", vm.PatchMode)
				}
			},
		},
		{
			name: "nested deployment in outer scope uses the outer parameters",
			src: `{"parameters":{"mode":{"type":"string","defaultValue":"ImageDefault"}},
			  "resources":[{"type":"Microsoft.Resources/deployments","name":"d","properties":{
			    "template":{"resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v",
			      "properties":{"osProfile":{"linuxConfiguration":{"patchSettings":{"patchMode":"[parameters('mode')]"}}}}}]}}}]}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.PatchMode.Value != "ImageDefault" {
					t.Errorf("patchMode %+v", vm.PatchMode)
				}
			},
		},
		{
			name: "a variable that refers to itself stays unresolved",
			src: `{"variables":{"a":"[variables('a')]"},"resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v",
			  "properties":{"osProfile":{"linuxConfiguration":{"patchSettings":{"patchMode":"[variables('a')]"}}}}}]}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.PatchMode.State != model.Expression || !strings.Contains(vm.Unresolved[0].Reason, "refers to itself") {
					t.Errorf("patchMode %+v unresolved %+v", vm.PatchMode, vm.Unresolved)
				}
			},
		},
		{
			name: "an unknown leaf does not hide the rest of a variable",
			src: `{"parameters":{"adminUsername":{"type":"string"}},
			  "variables":{"linuxConfiguration":{"disablePasswordAuthentication":true,
			    "ssh":{"publicKeys":[{"path":"[format('/home/{0}/.ssh/authorized_keys', parameters('adminUsername'))]"}]},
			    "patchSettings":{"patchMode":"AutomaticByPlatform"},"provisionVMAgent":"[parameters('adminUsername')]"}},
			  "resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v",
			  "properties":{"osProfile":{"linuxConfiguration":"[variables('linuxConfiguration')]"}}}]}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.PatchMode.State != model.Resolved || vm.PatchMode.Value != "AutomaticByPlatform" {
					t.Errorf("patchMode %+v", vm.PatchMode)
				}
				if vm.ProvisionVMAgent.State != model.Expression || len(vm.Unresolved) != 1 || !strings.Contains(vm.Unresolved[0].Reason, "adminUsername") {
					t.Errorf("provisionVMAgent %+v unresolved %+v", vm.ProvisionVMAgent, vm.Unresolved)
				}
			},
		},
		{
			name: "image from parameters",
			src: `{"parameters":{"sku":{"type":"string","defaultValue":"2019-Datacenter"}},"resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v",
			  "properties":{"storageProfile":{"imageReference":{"publisher":"MicrosoftWindowsServer","offer":"WindowsServer","sku":"[parameters('sku')]"}}}}]}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.Image.Kind != model.ImageMarketplace || vm.Image.Key != "microsoftwindowsserver:windowsserver:2019-datacenter" || vm.OS.Value != "windows" {
					t.Errorf("image %+v os %+v", vm.Image, vm.OS)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vms := extract(t, tt.src)
			if len(vms) != 1 {
				t.Fatalf("found %d VMs", len(vms))
			}
			tt.check(t, vms[0].Facts)
		})
	}
}
