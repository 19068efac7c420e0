package patchcheck.rules.pc001

import data.patchcheck.lib

# METADATA
# title: Patch mode not allowed for the OS
# description: |
#   AutomaticByOS and Manual exist only on Windows; ImageDefault exists only on
#   Linux (D14). Azure rejects the deployment or ignores the setting.
# custom:
#   id: PC001
#   severity: error
#   remediation: Use AutomaticByPlatform or ImageDefault on Linux; AutomaticByPlatform, AutomaticByOS or Manual on Windows.
#   reads: [os, patchMode]
deny contains f if {
	vm := input.vm
	lib.explicit(vm.patchMode)
	allowed := lib.profile.patchModes[vm.os.value]
	not vm.patchMode.value in allowed
	f := lib.finding("patchMode", sprintf(
		"patchMode %q%s is not a %s patch mode (the OS is known from %s); allowed: %s",
		[vm.patchMode.value, lib.origin(vm.patchMode), title_os(vm.os.value), vm.os.source, concat(", ", allowed)],
	))
}

title_os("windows") := "Windows"

title_os("linux") := "Linux"
