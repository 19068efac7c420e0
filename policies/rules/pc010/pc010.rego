package patchcheck.rules.pc010

import data.patchcheck.lib

# METADATA
# title: Schema violation in a patch setting
# description: |
#   A patch-relevant property breaks the Compute schema: an unknown patch mode
#   or property name, a wrong type, or settings in the wrong place. The JSON
#   Schema in schemas/ finds them; this rule reports them. A boolean written
#   as the string "true" or "false" is a warning: Azure accepts it, and the
#   other rules read the boolean Azure uses.
# custom:
#   id: PC010
#   severity: error
#   remediation: Fix the property as the message says; the Microsoft.Compute schema lists the allowed names, types and values.
#   reads: [schemaErrors]
deny contains f if {
	vm := input.vm
	some i, problem in vm.schemaErrors
	f := finding(problem, sprintf("schemaErrors/%d", [i]), sprintf("%s: %s", [problem.property, problem.message]))
}

# A violation Azure accepts (a boolean written as the string "true") says
# so with its own severity, a warning.
finding(problem, at, msg) := lib.finding_with_severity(problem.severity, at, msg) if problem.severity

else := lib.finding(at, msg)
