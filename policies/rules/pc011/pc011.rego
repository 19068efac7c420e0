package patchcheck.rules.pc011

import data.patchcheck.lib

# METADATA
# title: Patch setting could not be resolved
# description: |
#   A patch-relevant value is an ARM expression that patchcheck could not
#   resolve, so the rules that need it were not checked. This is never a
#   silent pass; an expression no rule needs (an image reference on a VM whose
#   patch mode is known not to be AutomaticByPlatform, say) is not reported.
# custom:
#   id: PC011
#   severity: warning
#   remediation: Supply the value (a literal, or a parameter default), or check this property by hand.
deny contains f if {
	some vm in input.vms
	some u in vm.unresolved
	needed(vm, u.topic)
	f := lib.finding(rego.metadata.rule(), vm, u.loc, sprintf(
		"%s is the unresolved expression %s, so the rules that need it were not checked",
		[u.property, u.expression],
	))
}

# needed says whether a rule depends on the hidden value for this VM.
needed(_, "any")

needed(_, "patchMode")

needed(vm, "enableAutomaticUpdates") if vm.os.value != "linux"

needed(vm, "apiVersion") if vm.patchSettings.present

needed(vm, "image") if not settled_off_platform(vm)

needed(vm, "provisionVMAgent") if not settled_off_platform(vm)

# settled_off_platform: the mode is known and is not AutomaticByPlatform, so
# neither the image nor the agent changes any verdict.
settled_off_platform(vm) if {
	mode := lib.mode(vm)
	mode != "AutomaticByPlatform"
}
