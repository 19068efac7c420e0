package patchcheck.rules.pc015_test

import data.patchcheck.rules.pc015
import data.patchcheck.test.fixtures as fx

test_reboot_setting_before_2022_03 if {
	vm := fx.with_(fx.linux_vm, {"rebootSetting": fx.fact("IfRequired"), "apiVersion": fx.api("2021-11-01")})
	some f in pc015.deny with input as fx.current(vm)
	f.at == "rebootSetting"
	count(pc015.deny) == 0 with input as fx.seed(vm)
}

test_settings_at_their_versions_ok if {
	vm := fx.with_(fx.linux_vm, {
		"assessmentMode": fx.fact("AutomaticByPlatform"), "rebootSetting": fx.fact("Never"),
		"bypassPlatformSafetyChecksOnUserSchedule": fx.fact(false), "apiVersion": fx.api("2023-03-01"),
	})
	count(pc015.deny) == 0 with input as fx.current(vm)
}

test_unresolved_setting_still_counts if {
	vm := fx.with_(fx.linux_vm, {"assessmentMode": fx.expression("[parameters('a')]"), "apiVersion": fx.api("2020-12-01")})
	count(pc015.deny) == 1 with input as fx.current(vm)
}

# An unresolved windowsConfiguration (or patchSettings) hides the later
# settings: they may not be in the template, so PC015 says nothing (PC011
# reports the expression).
test_hidden_settings_not_reported if {
	h := fx.hidden("[parameters('cfg')]")
	vm := fx.with_(fx.windows_vm, {
		"assessmentMode": h, "enableHotpatching": h, "rebootSetting": h,
		"bypassPlatformSafetyChecksOnUserSchedule": h, "apiVersion": fx.api("2019-07-01"),
	})
	count(pc015.deny) == 0 with input as fx.current(vm)
}
