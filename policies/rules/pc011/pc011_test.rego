package patchcheck.rules.pc011_test

import data.patchcheck.rules.pc011
import data.patchcheck.test.fixtures as fx

u(topic) := {"property": "p", "expression": "[parameters('x')]", "topic": topic, "reason": ""}

test_unresolved_mode_reported if {
	vm := fx.with_(fx.windows_vm, {"patchMode": fx.expression("[parameters('x')]"), "unresolved": [u("patchMode")]})
	some f in pc011.deny with input as fx.seed(vm)
	contains(f.message, "[parameters('x')]")
}

test_image_irrelevant_off_platform if {
	vm := fx.with_(fx.windows_vm, {"patchMode": fx.defaulted("AutomaticByOS"), "unresolved": [u("image")]})
	count(pc011.deny) == 0 with input as fx.seed(vm)
}

test_image_relevant_on_platform if {
	vm := fx.with_(fx.windows_vm, {"unresolved": [u("image")]})
	count(pc011.deny) == 1 with input as fx.seed(vm)
}

test_updates_irrelevant_on_linux if {
	vm := fx.with_(fx.linux_vm, {"unresolved": [u("enableAutomaticUpdates")]})
	count(pc011.deny) == 0 with input as fx.seed(vm)
}

test_ancestor_expression_always_reported if {
	vm := fx.with_(fx.linux_vm, {"unresolved": [u("any")]})
	count(pc011.deny) == 1 with input as fx.seed(vm)
}

test_reason_named if {
	r := object.union(u("patchMode"), {"reason": "parameter 'mode' has no defaultValue and no value was supplied"})
	vm := fx.with_(fx.windows_vm, {"unresolved": [r]})
	some f in pc011.deny with input as fx.seed(vm)
	contains(f.message, "(parameter 'mode' has no defaultValue")
}

# The later settings matter to the profiles that have rules for them.
test_later_settings_reported_where_rules_read_them if {
	vm := fx.with_(fx.windows_vm, {"unresolved": [u("later"), u("assessmentMode")]})
	count(pc011.deny) == 2 with input as fx.current(vm)
	count(pc011.deny) == 0 with input as fx.seed(vm)
}

# Only PC017 reads the health extension: a Flexible scale set that may be
# platform-orchestrated.
test_health_extension_reported_for_flexible_scale_sets if {
	flex := fx.scale_set(fx.linux_vm, {"orchestrationMode": fx.fact("Flexible"), "unresolved": [u("healthExtension")]})
	count(pc011.deny) == 1 with input as fx.current(flex)
	uniform := fx.scale_set(fx.linux_vm, {"unresolved": [u("healthExtension")]})
	count(pc011.deny) == 0 with input as fx.current(uniform)
	manual := fx.with_(flex, {"patchMode": fx.fact("ImageDefault")})
	count(pc011.deny) == 0 with input as fx.current(manual)
}
