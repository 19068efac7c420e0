package patchcheck.rules.pc017_test

import data.patchcheck.rules.pc017
import data.patchcheck.test.fixtures as fx

test_flexible_without_health_extension_warned if {
	ss := fx.scale_set(fx.linux_vm, {"orchestrationMode": fx.fact("Flexible")})
	count(pc017.deny) == 1 with input as fx.current(ss)
	count(pc017.deny) == 0 with input as fx.seed(ss)
}

test_with_health_extension_ok if {
	ss := fx.scale_set(fx.linux_vm, {"orchestrationMode": fx.fact("Flexible"), "healthExtension": true})
	count(pc017.deny) == 0 with input as fx.current(ss)
}

# An extension list or type patchcheck could not resolve may be the health
# extension: PC017 does not claim it is missing (PC011 names it).
test_unresolved_extensions_not_claimed_missing if {
	u := {"property": "extensionProfile.extensions", "expression": "[parameters('ext')]", "topic": "healthExtension", "reason": ""}
	ss := fx.scale_set(fx.linux_vm, {"orchestrationMode": fx.fact("Flexible"), "unresolved": [u]})
	count(pc017.deny) == 0 with input as fx.current(ss)
}
