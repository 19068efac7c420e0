# METADATA
# title: patchcheck entrypoint
# description: |
#   The one query Go prepares: every finding of every rule package
#   data.patchcheck.rules.<name> (one rule, named deny, per package), for the
#   VM in input.vm, tagged with the package so Go can attach the rule
#   annotation (ID, title, severity, fix hint) to it.
package patchcheck

findings contains {"package": name, "finding": f} if {
	some name
	some f in data.patchcheck.rules[name].deny
}
