package patchcheck.rules.pc017

import data.patchcheck.lib

# METADATA
# title: Flexible scale set without the Application Health extension
# description: |
#   Under the current profile, platform patching of a Flexible scale set
#   requires the Application Health extension, so the platform can tell
#   whether an update left the instances healthy (2024 doc).
# custom:
#   id: PC017
#   severity: warning
#   remediation: Add the ApplicationHealthLinux or ApplicationHealthWindows extension to virtualMachineProfile.extensionProfile.
#   reads: [kind, patchMode, orchestrationMode, healthExtension, unresolved]
#   applies: laterSettings
deny contains f if {
	lib.profile.laterSettings
	input.vm.kind == "virtualMachineScaleSet"
	lib.known(input.vm.orchestrationMode)
	lower(input.vm.orchestrationMode.value) == "flexible"
	lib.platform_orchestrated
	not input.vm.healthExtension
	not extension_unknown
	f := lib.finding("orchestrationMode", "Flexible scale set with patchMode AutomaticByPlatform but no Application Health extension")
}

# extension_unknown: an extension list or type is an unresolved expression
# that may be the health extension (PC011 names it).
extension_unknown if {
	some u in input.vm.unresolved
	u.topic == "healthExtension"
}
