package patchcheck.rules.pc021_test

import data.patchcheck.rules.pc019_test
import data.patchcheck.rules.pc021
import data.patchcheck.test.fixtures as fx

test_status_reported if {
	vm := fx.with_(fx.linux_vm, {"patchStatus": pc019_test.status({"installedAt": "2026-11-21T02:30:00Z"})})
	some f in pc021.deny with input as fx.seed(vm)
	contains(f.message, "last installation Succeeded (3 installed, 0 failed, 0 pending, 0 not selected, 0 excluded, 2026-11-21T02:30:00Z)")
}

test_no_status_silent if {
	count(pc021.deny) == 0 with input as fx.seed(fx.linux_vm)
}
