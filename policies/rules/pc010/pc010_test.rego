package patchcheck.rules.pc010_test

import data.patchcheck.rules.pc010
import data.patchcheck.test.fixtures as fx

test_each_schema_error_reported_at_its_location if {
	loc := {"pointer": "/resources/0/properties/osProfile", "line": 9, "column": 11}
	vm := fx.with_(fx.windows_vm, {"schemaErrors": [
		{"property": "osProfile.windowsConfiguration.patchSettings.patchMode", "message": "did you mean", "loc": loc},
		{"property": "osProfile.windowsConfiguration.enableAutomaticUpdates", "message": "expected boolean", "loc": fx.loc},
	]})
	findings := pc010.deny with input as fx.seed([vm])
	count(findings) == 2
	some f in findings
	f.line == 9
	f.pointer == "/resources/0/properties/osProfile"
}

test_clean_vm_silent if {
	count(pc010.deny) == 0 with input as fx.seed([fx.windows_vm])
}
