package patchcheck.rules.pc006

import data.patchcheck.lib

# METADATA
# title: Linux VM agent too old
# description: |
#   Automatic VM guest patching needs the Azure Linux agent 2.2.53.1 or later
#   (D16). Only inputs that say which version runs (an instance view) are
#   checked; a version patchcheck cannot read counts as too old.
# custom:
#   id: PC006
#   severity: error
#   remediation: Update the Azure Linux agent (waagent) to 2.2.53.1 or later, for example with the distribution's package manager.
#   reads: [os, agentVersion]
#   applies: agentVersion
deny contains f if {
	input.vm.os.value == "linux"
	lib.known(input.vm.agentVersion)
	version := input.vm.agentVersion.value
	older(version, lib.profile.minLinuxAgent)
	f := lib.finding("agentVersion", sprintf("the Linux VM agent is version %s, older than %s", [version, lib.profile.minLinuxAgent]))
}

# older compares dotted versions part by part; a version that is not
# dotted numbers is treated as older, so a broken inventory never passes.
older(v, _) if not regex.match(`^[0-9]+(\.[0-9]+)*$`, v)

older(v, min) if {
	regex.match(`^[0-9]+(\.[0-9]+)*$`, v)
	a := numbers_of(v)
	b := numbers_of(min)
	some i in numbers.range(0, 3)
	part(a, i) < part(b, i)
	not differs_before(a, b, i)
}

numbers_of(v) := [to_number(p) | some p in split(v, ".")]

differs_before(a, b, i) if {
	some j in numbers.range(0, 3)
	j < i
	part(a, j) != part(b, j)
}

part(parts, i) := parts[i] if i < count(parts)

else := 0
