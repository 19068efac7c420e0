package patchcheck.rules.pc012_test

import data.patchcheck.rules.pc012
import data.patchcheck.test.fixtures as fx

test_unknown_os_reported if {
	vm := fx.with_(fx.windows_vm, {"os": {"value": "unknown", "source": "a custom image, no osDisk.osType"}})
	some f in pc012.deny with input as fx.seed(vm)
	contains(f.message, "custom image")
}

test_known_os_silent if {
	count(pc012.deny) == 0 with input as fx.seed(fx.windows_vm)
	count(pc012.deny) == 0 with input as fx.seed(fx.linux_vm)
}
