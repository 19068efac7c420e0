# METADATA
# title: Test fixtures
# description: Normalised VM documents for the rules' unit tests.
package patchcheck.test.fixtures

fact(value) := {"state": "literal", "value": value, "property": "p"}

defaulted(value) := {"state": "default", "value": value, "property": "p"}

absent := {"state": "absent", "property": "p"}

expression(text) := {"state": "expression", "expression": text, "property": "p"}

# hidden is a setting an unresolved expression on an ancestor stands for:
# it may not be there at all.
hidden(text) := {"state": "hidden", "expression": text, "property": "p"}

image(publisher, offer, sku) := {
	"kind": "marketplace",
	"key": lower(concat(":", [publisher, offer, sku])),
	"publisher": fact(publisher),
	"offer": fact(offer),
	"sku": fact(sku),
	"id": absent,
}

api(version) := {"state": "literal", "value": version, "date": substring(version, 0, 10), "property": "apiVersion"}

# Like the engine's input, the VM leaves out the later settings and the agent
# version when a template does not set them (checker/engine/input.go).
windows_vm := {
	"kind": "virtualMachine",
	"name": "win",
	"type": "Microsoft.Compute/virtualMachines",
	"os": {"value": "windows", "source": "osProfile.windowsConfiguration"},
	"apiVersion": api("2021-03-01"),
	"patchSettings": {"present": true},
	"patchMode": fact("AutomaticByPlatform"),
	"assessmentMode": absent,
	"enableAutomaticUpdates": fact(true),
	"provisionVMAgent": fact(true),
	"image": image("MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter"),
	"healthExtension": false,
	"waiverProblems": [],
	"unresolved": [],
	"schemaErrors": [],
}

linux_vm := object.union(windows_vm, {
	"name": "lin",
	"os": {"value": "linux", "source": "osProfile.linuxConfiguration"},
	"enableAutomaticUpdates": absent,
	"image": image("Canonical", "UbuntuServer", "18.04-LTS"),
})

with_(vm, changes) := object.union(vm, changes)

seed(vm) := {"profile": "2021-02", "vm": vm}

current(vm) := {"profile": "current", "vm": vm}

hotpatch_vm := with_(windows_vm, {
	"image": image("MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-azure-edition-hotpatch"),
	"enableHotpatching": fact(true),
})

scale_set(vm, changes) := object.union(object.union(vm, {"kind": "virtualMachineScaleSet"}), changes)
