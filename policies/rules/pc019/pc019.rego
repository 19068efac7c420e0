package patchcheck.rules.pc019

import data.patchcheck.lib

# METADATA
# title: Last patch installation failed
# description: |
#   The instance view's lastPatchInstallationSummary (D19) reports a failed
#   installation or failed patches. Failed patches are retried in the next
#   off-peak window (D5), but a VM that keeps failing stays unpatched.
# custom:
#   id: PC019
#   severity: error
#   remediation: Look at the VM's patch installation history (Azure Update Manager or the patch extension's logs), fix the cause, and run an on-demand installation.
#   reads: [patchStatus]
#   applies: patchStatus
deny contains f if {
	ps := input.vm.patchStatus
	failed(ps)
	f := lib.finding("patchStatus", sprintf(
		"the last patch installation ended %s: %d failed, %d installed, %d pending%s",
		[status(ps), ps.failedPatchCount, ps.installedPatchCount, ps.pendingPatchCount, when(ps)],
	))
}

failed(ps) if ps.failedPatchCount > 0

failed(ps) if lower(ps.installationStatus) == "failed"

status(ps) := ps.installationStatus if ps.installationStatus != ""

else := "with failures"

when(ps) := sprintf(" (%s)", [ps.installedAt]) if ps.installedAt != ""

else := ""
