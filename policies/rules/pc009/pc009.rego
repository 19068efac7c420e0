package patchcheck.rules.pc009

import data.patchcheck.lib

# METADATA
# title: Change Azure will not accept against what is deployed
# description: |
#   Compared with the same VM as deployed today (--baseline): on Windows,
#   enableAutomaticUpdates can only be set when the VM is created, and some
#   patch mode switches are not supported (D15). Under 2021-02, Manual to an
#   automatic mode and back are not supported (AutomaticByOS to
#   AutomaticByPlatform is); under current, AutomaticByPlatform and Manual
#   switch only with enableAutomaticUpdates false, AutomaticByPlatform and
#   AutomaticByOS only with true, and AutomaticByOS and Manual never.
# custom:
#   id: PC009
#   severity: error
#   remediation: Keep the deployed patch mode and enableAutomaticUpdates, or recreate the VM with the new settings.
#   reads: [os, patchMode, enableAutomaticUpdates, baseline]
#   applies: baseline
deny contains f if {
	some f in violations
}

violations contains f if {
	b := input.vm.baseline
	input.vm.os.value == "windows"
	lib.known(b.enableAutomaticUpdates)
	lib.known(input.vm.enableAutomaticUpdates)
	b.enableAutomaticUpdates.value != input.vm.enableAutomaticUpdates.value
	f := lib.finding("baseline.enableAutomaticUpdates", sprintf(
		"enableAutomaticUpdates changes from %v (deployed) to %v%s, but it can only be set when the VM is created",
		[b.enableAutomaticUpdates.value, input.vm.enableAutomaticUpdates.value, lib.origin(input.vm.enableAutomaticUpdates)],
	))
}

violations contains f if {
	b := input.vm.baseline
	input.vm.os.value == "windows"
	lib.known(b.patchMode)
	from := b.patchMode.value
	to := lib.mode
	from != to
	rule := lib.profile.windowsModeChanges[sprintf("%s>%s", [from, to])]
	reason := refused(rule, b)
	f := lib.finding("baseline.patchMode", sprintf(
		"patchMode changes from %s (deployed) to %s%s: %s",
		[from, to, lib.origin(input.vm.patchMode), reason],
	))
}

refused(rule, _) := sprintf("Azure does not support this switch under profile %s", [input.profile]) if {
	not rule.allowed
}

refused(rule, b) := sprintf("Azure supports this switch only when enableAutomaticUpdates is %v, and the deployed VM has %v", [rule.requiresEnableAutomaticUpdates, b.enableAutomaticUpdates.value]) if {
	rule.allowed
	lib.known(b.enableAutomaticUpdates)
	b.enableAutomaticUpdates.value != rule.requiresEnableAutomaticUpdates
}
