package patchcheck.rules.pc010_test

import data.patchcheck.rules.pc010
import data.patchcheck.test.fixtures as fx

test_each_schema_error_reported_at_its_location if {
	vm := fx.with_(fx.windows_vm, {"schemaErrors": [
		{"property": "osProfile.windowsConfiguration.patchSettings.patchMode", "message": "did you mean"},
		{"property": "osProfile.windowsConfiguration.enableAutomaticUpdates", "message": "expected boolean"},
	]})
	findings := pc010.deny with input as fx.seed(vm)
	{f.at | some f in findings} == {"schemaErrors/0", "schemaErrors/1"}
	some f in findings
	f.at == "schemaErrors/1"
	f.message == "osProfile.windowsConfiguration.enableAutomaticUpdates: expected boolean"
}

test_clean_vm_silent if {
	count(pc010.deny) == 0 with input as fx.seed(fx.windows_vm)
}

test_string_boolean_keeps_its_warning if {
	vm := fx.with_(fx.windows_vm, {"schemaErrors": [
		{"property": "osProfile.windowsConfiguration.enableAutomaticUpdates", "message": "accepted by Azure", "severity": "warning"},
		{"property": "osProfile.windowsConfiguration.patchSettings.patchMode", "message": "did you mean"},
	]})
	findings := pc010.deny with input as fx.seed(vm)
	{[f.at, object.get(f, "severity", "default")] | some f in findings} == {["schemaErrors/0", "warning"], ["schemaErrors/1", "default"]}
}
