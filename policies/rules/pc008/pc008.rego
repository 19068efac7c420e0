package patchcheck.rules.pc008

import data.patchcheck.lib

# METADATA
# title: RHEL needs native updates disabled by hand
# description: |
#   After enablement the platform turns off native automatic updates on
#   Windows and Ubuntu, but not on RHEL (D18): packagekit must be stopped and
#   masked by hand or it competes with platform patching.
# custom:
#   id: PC008
#   severity: info
#   remediation: "Run `sudo systemctl stop packagekit` and `sudo systemctl mask packagekit` on the VM (for example in cloud-init or a custom script extension)."
#   reads: [patchMode, image]
deny contains f if {
	vm := input.vm
	lib.platform_orchestrated
	lib.rhel_image
	f := lib.finding("image", sprintf(
		"AutomaticByPlatform on RHEL (%s): the platform does not turn off native automatic updates, so packagekit must be stopped and masked by hand",
		[lib.image_label],
	))
}
