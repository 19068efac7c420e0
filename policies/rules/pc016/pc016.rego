package patchcheck.rules.pc016

import data.patchcheck.lib

# METADATA
# title: Uniform scale set with automatic OS upgrade and platform patching
# description: |
#   Under the current profile, a Uniform scale set that uses automatic OS image
#   upgrades must not set patchMode AutomaticByPlatform: the OS image upgrade
#   is how such a scale set is patched. A scale set without orchestrationMode
#   is Uniform.
# custom:
#   id: PC016
#   severity: error
#   remediation: Turn off upgradePolicy.automaticOSUpgradePolicy.enableAutomaticOSUpgrade, use Flexible orchestration, or choose another patch mode.
#   reads: [kind, patchMode, orchestrationMode, automaticOSUpgrade]
#   applies: laterSettings
deny contains f if {
	lib.profile.laterSettings
	input.vm.kind == "virtualMachineScaleSet"
	uniform
	lib.known(input.vm.automaticOSUpgrade)
	input.vm.automaticOSUpgrade.value == true
	lib.platform_orchestrated
	f := lib.finding("patchMode", sprintf(
		"patchMode AutomaticByPlatform%s on a Uniform scale set with automatic OS image upgrade enabled",
		[lib.origin(input.vm.patchMode)],
	))
}

uniform if not input.vm.orchestrationMode

uniform if {
	lib.known(input.vm.orchestrationMode)
	lower(input.vm.orchestrationMode.value) == "uniform"
}
