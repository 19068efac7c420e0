package patchcheck.rules.pc014_test

import data.patchcheck.rules.pc014
import data.patchcheck.test.fixtures as fx

test_bypass_with_other_mode_denied_in_current if {
	vm := fx.with_(fx.linux_vm, {"patchMode": fx.fact("ImageDefault"), "bypassPlatformSafetyChecksOnUserSchedule": fx.fact(true)})
	count(pc014.deny) == 1 with input as fx.current(vm)
	count(pc014.deny) == 0 with input as fx.seed(vm)
}

test_bypass_with_platform_ok if {
	vm := fx.with_(fx.linux_vm, {"bypassPlatformSafetyChecksOnUserSchedule": fx.fact(true)})
	count(pc014.deny) == 0 with input as fx.current(vm)
}
