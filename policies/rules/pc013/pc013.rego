package patchcheck.rules.pc013

import data.patchcheck.lib

# METADATA
# title: Hotpatching without what it needs
# description: |
#   Under the current profile, patchSettings.enableHotpatching needs a Windows
#   VM on a hotpatchable image (Windows Server Azure Edition), patchMode
#   AutomaticByPlatform and the VM agent (Compute schema; 2024 doc).
# custom:
#   id: PC013
#   severity: error
#   remediation: Use a hotpatchable Windows Server Azure Edition image with patchMode AutomaticByPlatform and the VM agent, or set enableHotpatching to false.
#   reads: [os, patchMode, provisionVMAgent, image, enableHotpatching]
#   applies: laterSettings
deny contains f if {
	lib.profile.laterSettings
	lib.explicit(input.vm.enableHotpatching)
	input.vm.enableHotpatching.value == true
	some problem in problems
	f := lib.finding("enableHotpatching", sprintf("enableHotpatching is true%s but %s", [lib.origin(input.vm.enableHotpatching), problem]))
}

problems contains "hotpatching is Windows-only" if input.vm.os.value == "linux"

problems contains sprintf("patchMode is %s%s, not AutomaticByPlatform", [lib.mode, lib.origin(input.vm.patchMode)]) if {
	lib.mode
	not lib.platform_orchestrated
}

problems contains "provisionVMAgent is false" if {
	lib.explicit(input.vm.provisionVMAgent)
	input.vm.provisionVMAgent.value == false
}

problems contains sprintf("%s is not a hotpatchable image", [lib.image_label]) if {
	lib.image_resolved
	not lib.profile.supportedImages.exact[input.vm.image.key].hotpatchable
}
