package patchcheck.rules.pc015

import data.patchcheck.lib

# METADATA
# title: Patch setting newer than the apiVersion
# description: |
#   Under the current profile, a patch setting used with a Compute API version
#   older than the one that introduced it (assessmentMode 2021-03-01,
#   rebootSetting 2022-03-01, bypassPlatformSafetyChecksOnUserSchedule
#   2023-03-01, enableHotpatching 2020-12-01) does not exist for that version.
# custom:
#   id: PC015
#   severity: error
#   remediation: Raise the resource's apiVersion to the version that introduced the setting, or remove the setting.
#   reads: [apiVersion, enableHotpatching, assessmentMode, rebootSetting, bypassPlatformSafetyChecksOnUserSchedule]
#   applies: laterSettings
deny contains f if {
	lib.profile.laterSettings
	lib.known(input.vm.apiVersion)
	some property, since in lib.profile.introducedIn
	fact := input.vm[property]
	lib.written(fact)
	input.vm.apiVersion.date < since
	f := lib.finding(property, sprintf(
		"%s was introduced with Compute API version %s, but this resource uses apiVersion %s",
		[property, since, input.vm.apiVersion.value],
	))
}
