package patchcheck.rules.pc002_test

import data.patchcheck.rules.pc002
import data.patchcheck.test.fixtures as fx

win(mode, eau) := fx.with_(fx.windows_vm, {"patchMode": mode, "enableAutomaticUpdates": eau})

# The valid Windows Manual VM that Checkov CKV_AZURE_177 and PSRule
# Azure.VM.Updates flag: patchcheck must not.
test_manual_with_updates_off_is_valid if {
	count(pc002.deny) == 0 with input as fx.seed(win(fx.fact("Manual"), fx.fact(false)))
	count(pc002.deny) == 0 with input as fx.current(win(fx.fact("Manual"), fx.fact(false)))
}

test_manual_with_updates_on_denied if {
	count(pc002.deny) == 1 with input as fx.seed(win(fx.fact("Manual"), fx.fact(true)))
}

test_manual_with_default_updates_denied if {
	some f in pc002.deny with input as fx.seed(win(fx.fact("Manual"), fx.defaulted(true)))
	contains(f.message, "default true was assumed")
}

test_by_os_with_updates_off_denied_in_both_profiles if {
	count(pc002.deny) == 1 with input as fx.seed(win(fx.fact("AutomaticByOS"), fx.fact(false)))
	count(pc002.deny) == 1 with input as fx.current(win(fx.fact("AutomaticByOS"), fx.fact(false)))
}

test_default_mode_with_updates_off_denied if {
	some f in pc002.deny with input as fx.seed(win(fx.defaulted("AutomaticByOS"), fx.fact(false)))
	contains(f.message, "AutomaticByOS was assumed")
}

test_platform_with_updates_off_depends_on_profile if {
	count(pc002.deny) == 1 with input as fx.seed(win(fx.fact("AutomaticByPlatform"), fx.fact(false)))
	count(pc002.deny) == 0 with input as fx.current(win(fx.fact("AutomaticByPlatform"), fx.fact(false)))
}

test_platform_with_updates_on_valid if {
	count(pc002.deny) == 0 with input as fx.seed(win(fx.fact("AutomaticByPlatform"), fx.fact(true)))
}

test_linux_never_judged if {
	vm := fx.with_(fx.linux_vm, {"enableAutomaticUpdates": fx.fact(false)})
	count(pc002.deny) == 0 with input as fx.seed(vm)
}

test_unresolved_updates_not_judged if {
	count(pc002.deny) == 0 with input as fx.seed(win(fx.fact("Manual"), fx.expression("[parameters('x')]")))
}
