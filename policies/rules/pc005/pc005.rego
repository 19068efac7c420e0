package patchcheck.rules.pc005

import data.patchcheck.lib

# METADATA
# title: AutomaticByPlatform without the VM agent
# description: |
#   The platform patches through the Azure VM agent (D16); with
#   provisionVMAgent false the agent is not installed and patching never runs.
# custom:
#   id: PC005
#   severity: error
#   remediation: Set provisionVMAgent to true (or remove it; Azure's default is true), or choose another patch mode.
#   reads: [patchMode, provisionVMAgent]
deny contains f if {
	vm := input.vm
	lib.platform_orchestrated
	lib.explicit(vm.provisionVMAgent)
	vm.provisionVMAgent.value == false
	f := lib.finding("provisionVMAgent", sprintf(
		"patchMode AutomaticByPlatform%s needs the VM agent, but %s is false",
		[lib.origin(vm.patchMode), vm.provisionVMAgent.property],
	))
}
