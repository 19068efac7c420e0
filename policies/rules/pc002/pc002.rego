package patchcheck.rules.pc002

import data.patchcheck.lib

# METADATA
# title: enableAutomaticUpdates contradicts the patch mode
# description: |
#   On Windows the patch mode and windowsConfiguration.enableAutomaticUpdates
#   must agree (D14, D15): Manual needs false, AutomaticByOS needs true, and
#   AutomaticByPlatform needs true under the 2021-02 profile (true or false
#   under current). Azure's default for an absent enableAutomaticUpdates is
#   true, and it can only be set when the VM is created.
# custom:
#   id: PC002
#   severity: error
#   remediation: Set windowsConfiguration.enableAutomaticUpdates to the value the patch mode needs (false for Manual, true for AutomaticByOS and AutomaticByPlatform), or change the patch mode.
#   reads: [os, patchMode, enableAutomaticUpdates]
deny contains f if {
	vm := input.vm
	vm.os.value == "windows"
	mode := lib.mode
	eau := vm.enableAutomaticUpdates
	lib.known(eau)
	allowed := lib.profile.enableAutomaticUpdatesAllowed[mode]
	not eau.value in allowed
	f := lib.finding(at, sprintf(
		"enableAutomaticUpdates is %v%s but patchMode %s%s requires %s",
		[eau.value, lib.origin(eau), mode, lib.origin(vm.patchMode), concat(" or ", [sprintf("%v", [v]) | some v in allowed])],
	))
}

# Point at the value that was written: enableAutomaticUpdates when explicit,
# else the patch mode that makes the default wrong.
at := "enableAutomaticUpdates" if {
	lib.explicit(input.vm.enableAutomaticUpdates)
} else := "patchMode"
