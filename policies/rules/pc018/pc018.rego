package patchcheck.rules.pc018

import data.patchcheck.lib

# METADATA
# title: Platform assessment without the VM agent
# description: |
#   Under the current profile, patchSettings.assessmentMode AutomaticByPlatform
#   has the platform trigger periodic assessments through the VM agent: with
#   provisionVMAgent false they never run (Compute schema).
# custom:
#   id: PC018
#   severity: error
#   remediation: Set provisionVMAgent to true (or remove it), or set assessmentMode to ImageDefault.
#   reads: [assessmentMode, provisionVMAgent]
#   applies: laterSettings
deny contains f if {
	lib.profile.laterSettings
	lib.explicit(input.vm.assessmentMode)
	input.vm.assessmentMode.value == "AutomaticByPlatform"
	lib.explicit(input.vm.provisionVMAgent)
	input.vm.provisionVMAgent.value == false
	f := lib.finding("provisionVMAgent", "assessmentMode AutomaticByPlatform needs the VM agent, but provisionVMAgent is false")
}
