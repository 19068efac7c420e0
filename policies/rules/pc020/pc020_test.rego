package patchcheck.rules.pc020_test

import data.patchcheck.rules.pc020
import data.patchcheck.test.fixtures as fx

import data.patchcheck.rules.pc019_test

test_available_critical_patches_warned if {
	vm := fx.with_(fx.windows_vm, {"patchStatus": pc019_test.status({"criticalAndSecurityPatchCount": 4})})
	some f in pc020.deny with input as fx.seed(vm)
	contains(f.message, "4 Critical/Security")
}

test_pending_warned if {
	vm := fx.with_(fx.windows_vm, {"patchStatus": pc019_test.status({"pendingPatchCount": 1})})
	count(pc020.deny) == 1 with input as fx.seed(vm)
}

test_nothing_pending_silent if {
	count(pc020.deny) == 0 with input as fx.seed(fx.with_(fx.windows_vm, {"patchStatus": pc019_test.status({})}))
}
