# METADATA
# title: patchcheck entrypoint
# description: |
#   The one query Go prepares: every finding of every rule package under
#   data.patchcheck.rules, for the VM in input.vm.
package patchcheck

findings contains f if {
	some f in data.patchcheck.rules[_].deny
}
