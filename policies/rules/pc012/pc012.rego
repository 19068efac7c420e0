package patchcheck.rules.pc012

import data.patchcheck.lib

# METADATA
# title: Operating system could not be determined
# description: |
#   Neither linuxConfiguration/windowsConfiguration, nor the image, nor
#   storageProfile.osDisk.osType says which OS the VM runs, so the rules that
#   depend on it (patch mode per OS, defaults, enableAutomaticUpdates) were not
#   checked. patchcheck says so rather than guessing.
# custom:
#   id: PC012
#   severity: warning
#   remediation: Add osProfile.windowsConfiguration or osProfile.linuxConfiguration, or storageProfile.osDisk.osType.
#   reads: [os]
deny contains f if {
	vm := input.vm
	vm.os.value == "unknown"
	f := lib.finding("vm", sprintf(
		"the OS could not be determined (%s), so OS-dependent rules were not checked",
		[vm.os.source],
	))
}
