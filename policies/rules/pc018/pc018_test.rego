package patchcheck.rules.pc018_test

import data.patchcheck.rules.pc018
import data.patchcheck.test.fixtures as fx

test_platform_assessment_without_agent if {
	vm := fx.with_(fx.linux_vm, {"assessmentMode": fx.fact("AutomaticByPlatform"), "provisionVMAgent": fx.fact(false)})
	count(pc018.deny) == 1 with input as fx.current(vm)
	count(pc018.deny) == 0 with input as fx.seed(vm)
}

test_image_default_assessment_ok if {
	vm := fx.with_(fx.linux_vm, {"assessmentMode": fx.fact("ImageDefault"), "provisionVMAgent": fx.fact(false)})
	count(pc018.deny) == 0 with input as fx.current(vm)
}
