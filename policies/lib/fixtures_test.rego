# METADATA
# title: Test fixtures
# description: Normalised VM documents for the rules' unit tests.
package patchcheck.test.fixtures

loc := {"pointer": "/resources/0", "line": 3, "column": 5}

fact(value) := {"state": "literal", "value": value, "property": "p", "loc": loc}

defaulted(value) := {"state": "default", "value": value, "property": "p", "loc": loc}

absent := {"state": "absent", "property": "p", "loc": loc}

expression(text) := {"state": "expression", "expression": text, "property": "p", "loc": loc}

image(publisher, offer, sku) := {
	"kind": "marketplace",
	"key": lower(concat(":", [publisher, offer, sku])),
	"publisher": fact(publisher),
	"offer": fact(offer),
	"sku": fact(sku),
	"id": absent,
	"loc": loc,
}

api(version) := {"state": "literal", "value": version, "date": substring(version, 0, 10), "property": "apiVersion", "loc": loc}

windows_vm := {
	"kind": "virtualMachine",
	"name": "win",
	"type": "Microsoft.Compute/virtualMachines",
	"loc": loc,
	"os": {"value": "windows", "source": "osProfile.windowsConfiguration"},
	"apiVersion": api("2021-03-01"),
	"patchSettings": {"present": true, "loc": loc},
	"patchMode": fact("AutomaticByPlatform"),
	"assessmentMode": absent,
	"enableAutomaticUpdates": fact(true),
	"provisionVMAgent": fact(true),
	"image": image("MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter"),
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

seed(vms) := {"profile": "2021-02", "vms": vms}

current(vms) := {"profile": "current", "vms": vms}
