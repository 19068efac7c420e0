package patchcheck.rules.pc010

import data.patchcheck.lib

# METADATA
# title: Schema violation in a patch setting
# description: |
#   A patch-relevant property breaks the Compute schema: an unknown patch mode
#   or property name, a wrong type (such as the string "true"), or settings in
#   the wrong place. The JSON Schema in schemas/ finds them; this rule reports them.
# custom:
#   id: PC010
#   severity: error
#   remediation: Fix the property as the message says; the Microsoft.Compute schema lists the allowed names, types and values.
#   reads: [schemaErrors]
deny contains f if {
	vm := input.vm
	some i, problem in vm.schemaErrors
	f := lib.finding(sprintf("schemaErrors/%d", [i]), sprintf("%s: %s", [problem.property, problem.message]))
}
