package patchcheck.rules.pc004

import data.patchcheck.lib

# METADATA
# title: Compute API version too old for patchSettings
# description: |
#   patchSettings need a recent Compute API version (D16): below the profile's
#   minimum Azure ignores or rejects them (error); in the profile's warning
#   band they work with limited functionality (warning).
# custom:
#   id: PC004
#   severity: error
#   remediation: Raise the resource's apiVersion to 2021-03-01 or later (at least 2020-12-01).
#   reads: [os, patchSettings, apiVersion]
deny contains f if {
	vm := input.vm
	vm.patchSettings.present
	lib.known(vm.apiVersion)
	limits := lib.profile.apiVersion[vm.os.value]
	[severity, msg] := verdict(vm.apiVersion, vm.os.value, limits)
	f := lib.finding_with_severity(severity, "apiVersion", msg)
}

verdict(api, os, limits) := ["error", sprintf(
	"apiVersion %s is older than %s, the first Compute API version whose patchSettings apply to %s VMs under profile %s",
	[api.value, limits.errorBelow, os_label(os), input.profile],
)] if {
	api.date < limits.errorBelow
} else := ["warning", sprintf("apiVersion %s is older than %s: %s", [api.value, limits.warningBelow, limits.warning])] if {
	api.date < limits.warningBelow
}

os_label("unknown") := "all"

os_label(os) := os if os != "unknown"
