package patchcheck.rules.pc014

import data.patchcheck.lib

# METADATA
# title: Safety-check bypass without platform patching
# description: |
#   Under the current profile, automaticByPlatformSettings.bypassPlatformSafetyChecksOnUserSchedule
#   only means something with patchMode AutomaticByPlatform (it lets a
#   maintenance configuration schedule the platform's patching).
# custom:
#   id: PC014
#   severity: error
#   remediation: Remove bypassPlatformSafetyChecksOnUserSchedule, or set patchMode to AutomaticByPlatform.
#   reads: [patchMode, bypassPlatformSafetyChecksOnUserSchedule]
#   applies: laterSettings
deny contains f if {
	lib.profile.laterSettings
	lib.explicit(input.vm.bypassPlatformSafetyChecksOnUserSchedule)
	input.vm.bypassPlatformSafetyChecksOnUserSchedule.value == true
	lib.mode
	not lib.platform_orchestrated
	f := lib.finding("bypassPlatformSafetyChecksOnUserSchedule", sprintf(
		"bypassPlatformSafetyChecksOnUserSchedule is true but patchMode is %s%s; it applies only with AutomaticByPlatform",
		[lib.mode, lib.origin(input.vm.patchMode)],
	))
}
