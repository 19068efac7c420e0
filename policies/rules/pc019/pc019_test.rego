package patchcheck.rules.pc019_test

import data.patchcheck.rules.pc019
import data.patchcheck.test.fixtures as fx

status(changes) := object.union({
	"availableStatus": "Succeeded", "criticalAndSecurityPatchCount": 0, "otherPatchCount": 0, "assessedAt": "",
	"installationStatus": "Succeeded", "installedPatchCount": 3, "failedPatchCount": 0, "pendingPatchCount": 0,
	"notSelectedPatchCount": 0, "excludedPatchCount": 0, "installedAt": "",
}, changes)

test_failed_patches_denied if {
	vm := fx.with_(fx.linux_vm, {"patchStatus": status({"failedPatchCount": 2, "installationStatus": "CompletedWithWarnings"})})
	some f in pc019.deny with input as fx.seed(vm)
	contains(f.message, "2 failed")
}

test_failed_status_denied if {
	vm := fx.with_(fx.linux_vm, {"patchStatus": status({"installationStatus": "Failed"})})
	count(pc019.deny) == 1 with input as fx.seed(vm)
}

test_success_and_no_status_silent if {
	count(pc019.deny) == 0 with input as fx.seed(fx.with_(fx.linux_vm, {"patchStatus": status({})}))
	count(pc019.deny) == 0 with input as fx.seed(fx.linux_vm)
}
