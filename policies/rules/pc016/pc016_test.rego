package patchcheck.rules.pc016_test

import data.patchcheck.rules.pc016
import data.patchcheck.test.fixtures as fx

test_uniform_with_auto_os_upgrade_denied if {
	ss := fx.scale_set(fx.linux_vm, {"automaticOSUpgrade": fx.fact(true)})
	count(pc016.deny) == 1 with input as fx.current(ss)
	count(pc016.deny) == 0 with input as fx.seed(ss)
}

test_flexible_or_no_upgrade_ok if {
	flex := fx.scale_set(fx.linux_vm, {"automaticOSUpgrade": fx.fact(true), "orchestrationMode": fx.fact("Flexible")})
	count(pc016.deny) == 0 with input as fx.current(flex)
	plain := fx.scale_set(fx.linux_vm, {"automaticOSUpgrade": fx.fact(false)})
	count(pc016.deny) == 0 with input as fx.current(plain)
}

test_vm_not_judged if {
	count(pc016.deny) == 0 with input as fx.current(fx.with_(fx.linux_vm, {"automaticOSUpgrade": fx.fact(true)}))
}
