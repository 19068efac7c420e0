package patchcheck.rules.pc007_test

import data.patchcheck.rules.pc007
import data.patchcheck.test.fixtures as fx

test_platform_not_flagged if {
	count(pc007.deny) == 0 with input as fx.seed(fx.windows_vm)
	count(pc007.deny) == 0 with input as fx.seed(fx.linux_vm)
}

test_explicit_other_modes_flagged if {
	vms := [
		fx.with_(fx.windows_vm, {"patchMode": fx.fact("Manual")}),
		fx.with_(fx.windows_vm, {"patchMode": fx.fact("AutomaticByOS")}),
		fx.with_(fx.linux_vm, {"patchMode": fx.fact("ImageDefault")}),
	]
	every vm in vms {
		count(pc007.deny) == 1 with input as fx.seed(vm)
	}
}

test_default_mode_flagged_and_says_so if {
	vm := fx.with_(fx.linux_vm, {"patchMode": fx.defaulted("ImageDefault")})
	some f in pc007.deny with input as fx.seed(vm)
	f.at == "patchMode"
	contains(f.message, "was assumed")
}

test_mode_wrong_for_os_left_to_pc001 if {
	vm := fx.with_(fx.linux_vm, {"patchMode": fx.fact("Manual")})
	count(pc007.deny) == 0 with input as fx.seed(vm)
}

test_unresolved_mode_not_flagged if {
	vm := fx.with_(fx.linux_vm, {"patchMode": fx.expression("[parameters('m')]")})
	count(pc007.deny) == 0 with input as fx.seed(vm)
}

# Windows without a mode and with automatic updates off runs as Manual: the
# message says why, rather than calling Manual Azure's default.
test_manual_from_updates_off_says_why if {
	vm := fx.with_(fx.windows_vm, {
		"patchMode": {"state": "default", "value": "Manual", "property": "osProfile.windowsConfiguration.patchSettings.patchMode"},
		"enableAutomaticUpdates": fx.fact(false),
	})
	some f in pc007.deny with input as fx.seed(vm)
	contains(f.message, "(osProfile.windowsConfiguration.patchSettings.patchMode is absent and enableAutomaticUpdates is false, so the VM is treated as Manual)")
}
