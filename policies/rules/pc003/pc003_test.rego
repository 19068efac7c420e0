package patchcheck.rules.pc003_test

import data.patchcheck.rules.pc003
import data.patchcheck.test.fixtures as fx

platform(vm, image) := fx.with_(vm, {"patchMode": fx.fact("AutomaticByPlatform"), "image": image})

test_seed_images_supported_case_insensitively if {
	vm := platform(fx.windows_vm, fx.image("microsoftwindowsserver", "WINDOWSSERVER", "2019-datacenter"))
	count(pc003.deny) == 0 with input as fx.seed(vm)
}

test_rhel7_any_sku_supported_in_seed if {
	every sku in ["7.8", "7_9", "7-LVM", "7-RAW", "7.2"] {
		count(pc003.deny) == 0 with input as fx.seed(platform(fx.linux_vm, fx.image("RedHat", "RHEL", sku)))
	}
}

test_rhel8_unsupported_in_seed_supported_now if {
	vm := platform(fx.linux_vm, fx.image("RedHat", "RHEL", "8_4"))
	count(pc003.deny) == 1 with input as fx.seed(vm)
	count(pc003.deny) == 0 with input as fx.current(vm)
}

test_centos_gone_in_current if {
	vm := platform(fx.linux_vm, fx.image("OpenLogic", "CentOS", "7.5"))
	count(pc003.deny) == 1 with input as fx.current(vm)
}

test_custom_image_denied if {
	image := {"kind": "custom", "id": fx.fact("/subscriptions/x/images/golden")}
	some f in pc003.deny with input as fx.seed(platform(fx.windows_vm, image))
	contains(f.message, "custom")
}

test_attached_disk_denied if {
	image := {"kind": "none"}
	count(pc003.deny) == 1 with input as fx.seed(platform(fx.windows_vm, image))
}

test_other_modes_not_judged if {
	vm := fx.with_(fx.windows_vm, {"patchMode": fx.fact("AutomaticByOS"), "image": fx.image("Foo", "Bar", "Baz")})
	count(pc003.deny) == 0 with input as fx.seed(vm)
}

test_unresolved_image_not_judged if {
	image := {"kind": "unresolved", "publisher": fx.expression("[parameters('p')]"), "offer": fx.fact("x"), "sku": fx.fact("y")}
	count(pc003.deny) == 0 with input as fx.seed(platform(fx.windows_vm, image))
}
