package patchcheck.rules.pc020

import data.patchcheck.lib

# METADATA
# title: Critical or security patches pending
# description: |
#   The instance view (D19) reports Critical or Security patches available
#   but not installed, or patches still pending from the last installation.
#   Within 30 days of the release that is expected; it shows which VMs are
#   not yet compliant.
# custom:
#   id: PC020
#   severity: warning
#   remediation: Check the VM is platform-orchestrated and on during its off-peak hours; run an on-demand installation if it cannot wait.
#   reads: [patchStatus]
#   applies: patchStatus
deny contains f if {
	ps := input.vm.patchStatus
	pending(ps)
	f := lib.finding("patchStatus", sprintf(
		"%d Critical/Security patches available and %d pending from the last installation (assessment %s)",
		[ps.criticalAndSecurityPatchCount, ps.pendingPatchCount, assessed(ps)],
	))
}

pending(ps) if ps.criticalAndSecurityPatchCount > 0

pending(ps) if ps.pendingPatchCount > 0

assessed(ps) := ps.assessedAt if ps.assessedAt != ""

else := "time unknown"
