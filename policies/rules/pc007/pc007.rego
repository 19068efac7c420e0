package patchcheck.rules.pc007

import data.patchcheck.lib

# METADATA
# title: VM not orchestrated by the platform
# description: |
#   Only AutomaticByPlatform gets availability-first patching (D14): with any
#   other effective mode, explicit or Azure's default, the platform does not
#   install Critical and Security patches within 30 days for you.
# custom:
#   id: PC007
#   severity: warning
#   remediation: Set patchSettings.patchMode to AutomaticByPlatform on a supported image, or make sure another patching solution covers this VM.
#   reads: [os, patchMode]
deny contains f if {
	vm := input.vm
	mode := lib.mode
	mode != "AutomaticByPlatform"
	lib.mode_fits_os
	f := lib.finding("patchMode", sprintf(
		"effective patchMode is %s%s, so availability-first platform patching does not apply",
		[mode, lib.origin(vm.patchMode)],
	))
}
