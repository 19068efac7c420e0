package patchcheck.rules.pc013_test

import data.patchcheck.rules.pc013
import data.patchcheck.test.fixtures as fx

test_hotpatch_on_hotpatchable_platform_image_ok if {
	count(pc013.deny) == 0 with input as fx.current(fx.hotpatch_vm)
}

test_only_current_profile if {
	vm := fx.with_(fx.hotpatch_vm, {"patchMode": fx.fact("Manual")})
	count(pc013.deny) == 0 with input as fx.seed(vm)
	count(pc013.deny) == 1 with input as fx.current(vm)
}

test_each_problem_reported if {
	vm := fx.with_(fx.hotpatch_vm, {
		"patchMode": fx.fact("AutomaticByOS"),
		"provisionVMAgent": fx.fact(false),
		"image": fx.image("MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter"),
	})
	count(pc013.deny) == 3 with input as fx.current(vm)
}

test_hotpatch_off_silent if {
	vm := fx.with_(fx.hotpatch_vm, {"enableHotpatching": fx.fact(false), "patchMode": fx.fact("Manual")})
	count(pc013.deny) == 0 with input as fx.current(vm)
}
