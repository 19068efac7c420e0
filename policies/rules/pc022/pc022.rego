package patchcheck.rules.pc022

import data.patchcheck.lib

# METADATA
# title: Waiver expired or invalid
# description: |
#   A waiver accepts a rule's findings until its expiry date, with a reason.
#   An expired waiver stops waiving (its findings are reported again) and is
#   itself reported; a waiver without a reason or a valid expiry date is
#   rejected.
# custom:
#   id: PC022
#   severity: warning
#   remediation: Fix what the waived rule reports, or renew the waiver with a reason and a new expiry date (YYYY-MM-DD).
#   reads: [waiverProblems]
#   applies: waiverProblems
deny contains f if {
	some i, problem in input.vm.waiverProblems
	f := lib.finding(sprintf("waiverProblems/%d", [i]), problem.message)
}
