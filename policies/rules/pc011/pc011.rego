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
#   reads: [os, patchSettings, patchMode, unresolved, orchestrationMode]
deny contains f if {
	vm := input.vm
	some i, u in vm.unresolved
	needed(u.topic)
	f := lib.finding(sprintf("unresolved/%d", [i]), sprintf(
		"%s is the unresolved expression %s%s, so the rules that need it were not checked",
		[u.property, u.expression, because(u)],
	))
}

# needed says whether a rule depends on the hidden value for this VM.
needed("any")

needed("patchMode")

needed("enableAutomaticUpdates") if input.vm.os.value != "linux"

needed("apiVersion") if input.vm.patchSettings.present

needed("image") if not settled_off_platform

needed("provisionVMAgent") if not settled_off_platform

# The later settings, assessmentMode and what may be the Application Health
# extension are read by the rules of profiles that know them (PC013-PC018).
needed("later") if lib.profile.laterSettings

needed("assessmentMode") if lib.profile.laterSettings

needed("healthExtension") if {
	lib.profile.laterSettings
	not settled_off_platform
	not settled_uniform
}

# settled_uniform: the scale set is known to be Uniform (the default), so
# whether it has the health extension changes no verdict (PC017 is about
# Flexible scale sets).
settled_uniform if not input.vm.orchestrationMode

settled_uniform if {
	lib.known(input.vm.orchestrationMode)
	lower(input.vm.orchestrationMode.value) != "flexible"
}

# settled_off_platform: the mode is known and is not AutomaticByPlatform, so
# neither the image nor the agent changes any verdict.
settled_off_platform if {
	lib.mode
	not lib.platform_orchestrated
}

because(u) := sprintf(" (%s)", [u.reason]) if u.reason != ""

else := ""
