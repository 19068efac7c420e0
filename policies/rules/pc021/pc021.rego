package patchcheck.rules.pc021

import data.patchcheck.lib

# METADATA
# title: Patch status
# description: |
#   The patch status an instance view reports (D19): the last assessment's
#   available patches and the last installation's outcome. Reported as a
#   note for every VM that has one, so it appears in every output format
#   next to the rules it may trigger (PC019, PC020).
# custom:
#   id: PC021
#   severity: info
#   remediation: Nothing to fix; see PC019 and PC020 for what needs attention.
#   reads: [patchStatus]
#   applies: patchStatus
deny contains f if {
	ps := input.vm.patchStatus
	f := lib.finding("patchStatus", sprintf(
		"patch status: last installation %s (%d installed, %d failed, %d pending, %d not selected, %d excluded%s); last assessment %s: %d Critical/Security and %d other patches available%s",
		[
			text(ps.installationStatus), ps.installedPatchCount, ps.failedPatchCount, ps.pendingPatchCount,
			ps.notSelectedPatchCount, ps.excludedPatchCount, at(ps.installedAt),
			text(ps.availableStatus), ps.criticalAndSecurityPatchCount, ps.otherPatchCount, at(ps.assessedAt),
		],
	))
}

text(s) := s if s != ""

else := "unknown"

at(t) := sprintf(", %s", [t]) if t != ""

else := ""
