package patchcheck.rules.pc001_test

import data.patchcheck.rules.pc001
import data.patchcheck.test.fixtures as fx

test_windows_modes_allowed if {
	every mode in ["AutomaticByPlatform", "AutomaticByOS", "Manual"] {
		count(pc001.deny) == 0 with input as fx.seed(fx.with_(fx.windows_vm, {"patchMode": fx.fact(mode)}))
	}
}

test_linux_modes_allowed if {
	every mode in ["AutomaticByPlatform", "ImageDefault"] {
		count(pc001.deny) == 0 with input as fx.seed(fx.with_(fx.linux_vm, {"patchMode": fx.fact(mode)}))
	}
}

test_linux_windows_only_modes_denied if {
	every mode in ["AutomaticByOS", "Manual"] {
		count(pc001.deny) == 1 with input as fx.seed(fx.with_(fx.linux_vm, {"patchMode": fx.fact(mode)}))
	}
}

test_windows_image_default_denied if {
	some f in pc001.deny with input as fx.current(fx.with_(fx.windows_vm, {"patchMode": fx.fact("ImageDefault")}))
	contains(f.message, "Windows patch mode")
	f.at == "patchMode"
	contains(f.message, "ImageDefault")
}

test_default_mode_never_denied if {
	count(pc001.deny) == 0 with input as fx.seed(fx.with_(fx.linux_vm, {"patchMode": fx.defaulted("ImageDefault")}))
}

test_unknown_os_not_judged if {
	vm := fx.with_(fx.linux_vm, {"os": {"value": "unknown", "source": "nothing"}, "patchMode": fx.fact("Manual")})
	count(pc001.deny) == 0 with input as fx.seed(vm)
}

test_resolved_mode_judged_and_named if {
	vm := fx.with_(fx.linux_vm, {"patchMode": {"state": "resolved", "value": "Manual", "expression": "[parameters('mode')]", "property": "p"}})
	some f in pc001.deny with input as fx.seed(vm)
	contains(f.message, "from [parameters('mode')]")
}
