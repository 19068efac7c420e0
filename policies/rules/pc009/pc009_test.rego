package patchcheck.rules.pc009_test

import data.patchcheck.rules.pc009
import data.patchcheck.test.fixtures as fx

deployed(mode, eau) := {"patchMode": fx.fact(mode), "enableAutomaticUpdates": fx.fact(eau), "os": "windows"}

win(mode, eau, base) := fx.with_(fx.windows_vm, {"patchMode": fx.fact(mode), "enableAutomaticUpdates": fx.fact(eau), "baseline": base})

test_manual_to_platform_refused_in_seed if {
	count(pc009.deny) == 1 with input as fx.seed(win("AutomaticByPlatform", false, deployed("Manual", false)))
}

test_manual_to_platform_with_updates_off_allowed_now if {
	count(pc009.deny) == 0 with input as fx.current(win("AutomaticByPlatform", false, deployed("Manual", false)))
}

test_by_os_to_platform_allowed_in_seed if {
	count(pc009.deny) == 0 with input as fx.seed(win("AutomaticByPlatform", true, deployed("AutomaticByOS", true)))
}

test_platform_to_by_os_needs_updates_on_now if {
	count(pc009.deny) == 1 with input as fx.current(win("AutomaticByOS", false, deployed("AutomaticByPlatform", false)))
}

test_by_os_to_manual_never if {
	count(pc009.deny) >= 1 with input as fx.current(win("Manual", false, deployed("AutomaticByOS", false)))
	count(pc009.deny) >= 1 with input as fx.seed(win("Manual", false, deployed("AutomaticByOS", false)))
}

test_updates_flag_cannot_change if {
	some f in pc009.deny with input as fx.current(win("AutomaticByPlatform", true, deployed("AutomaticByPlatform", false)))
	f.at == "baseline.enableAutomaticUpdates"
}

test_unchanged_and_no_baseline_silent if {
	count(pc009.deny) == 0 with input as fx.seed(win("Manual", false, deployed("Manual", false)))
	count(pc009.deny) == 0 with input as fx.seed(fx.windows_vm)
}

test_linux_not_judged if {
	vm := fx.with_(fx.linux_vm, {"baseline": {"patchMode": fx.fact("ImageDefault"), "enableAutomaticUpdates": fx.absent, "os": "linux"}})
	count(pc009.deny) == 0 with input as fx.seed(vm)
}
