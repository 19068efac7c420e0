package patchcheck.rules.pc008_test

import data.patchcheck.rules.pc008
import data.patchcheck.test.fixtures as fx

test_rhel_platform_info if {
	vm := fx.with_(fx.linux_vm, {"image": fx.image("RedHat", "RHEL", "7.8")})
	some f in pc008.deny with input as fx.seed(vm)
	f.at == "image"
}

test_rhel_other_mode_silent if {
	vm := fx.with_(fx.linux_vm, {"image": fx.image("RedHat", "RHEL", "7.8"), "patchMode": fx.fact("ImageDefault")})
	count(pc008.deny) == 0 with input as fx.seed(vm)
}

test_ubuntu_silent if {
	count(pc008.deny) == 0 with input as fx.seed(fx.linux_vm)
}
