package patchcheck.rules.pc004_test

import data.patchcheck.rules.pc004
import data.patchcheck.test.fixtures as fx

at(vm, version) := fx.with_(vm, {"apiVersion": fx.api(version)})

test_seed_linux_below_2020_12_is_error if {
	{f.severity | some f in pc004.deny} == {"error"} with input as fx.seed(at(fx.linux_vm, "2020-06-01"))
}

test_seed_windows_2020_06_is_warning if {
	{f.severity | some f in pc004.deny} == {"warning"} with input as fx.seed(at(fx.windows_vm, "2020-06-01"))
}

test_seed_windows_below_2020_06_is_error if {
	{f.severity | some f in pc004.deny} == {"error"} with input as fx.seed(at(fx.windows_vm, "2019-12-01"))
}

test_seed_2020_12_ok if {
	count(pc004.deny) == 0 with input as fx.seed(at(fx.windows_vm, "2020-12-01"))
	count(pc004.deny) == 0 with input as fx.seed(at(fx.linux_vm, "2020-12-01"))
}

test_current_2020_12_is_warning if {
	{f.severity | some f in pc004.deny} == {"warning"} with input as fx.current(at(fx.linux_vm, "2020-12-01"))
}

test_current_windows_2020_06_is_error if {
	{f.severity | some f in pc004.deny} == {"error"} with input as fx.current(at(fx.windows_vm, "2020-06-01"))
}

test_preview_suffix_compares_by_date if {
	vm := fx.with_(fx.linux_vm, {"apiVersion": {"state": "literal", "value": "2021-04-01-preview", "date": "2021-04-01", "property": "apiVersion"}})
	count(pc004.deny) == 0 with input as fx.current(vm)
}

test_no_patch_settings_not_judged if {
	vm := fx.with_(at(fx.linux_vm, "2018-06-01"), {"patchSettings": {"present": false}})
	count(pc004.deny) == 0 with input as fx.seed(vm)
}
