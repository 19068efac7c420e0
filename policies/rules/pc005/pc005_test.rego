package patchcheck.rules.pc005_test

import data.patchcheck.rules.pc005
import data.patchcheck.test.fixtures as fx

test_platform_without_agent_denied if {
	vm := fx.with_(fx.linux_vm, {"provisionVMAgent": fx.fact(false)})
	count(pc005.deny) == 1 with input as fx.seed(vm)
}

test_platform_with_default_agent_ok if {
	vm := fx.with_(fx.linux_vm, {"provisionVMAgent": fx.defaulted(true)})
	count(pc005.deny) == 0 with input as fx.seed(vm)
}

test_other_mode_without_agent_ok if {
	vm := fx.with_(fx.windows_vm, {"patchMode": fx.fact("Manual"), "provisionVMAgent": fx.fact(false)})
	count(pc005.deny) == 0 with input as fx.seed(vm)
}
