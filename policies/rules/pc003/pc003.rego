package patchcheck.rules.pc003

import data.patchcheck.lib

# METADATA
# title: AutomaticByPlatform on an unsupported image
# description: |
#   Automatic VM guest patching works only on the platform images of the
#   profile's supported list (D13); custom and gallery images are not supported.
# custom:
#   id: PC003
#   severity: error
#   remediation: Deploy from a marketplace image of the profile's supported list, or choose another patch mode and patch the VM yourself.
#   reads: [patchMode, image]
deny contains f if {
	vm := input.vm
	lib.platform_orchestrated
	reason := unsupported
	f := lib.finding("image", sprintf(
		"patchMode AutomaticByPlatform%s needs a supported platform image, but %s",
		[lib.origin(vm.patchMode), reason],
	))
}

unsupported := sprintf("%s is not in the %s supported-image list", [lib.image_label, input.profile]) if {
	lib.image_resolved
	not lib.image_supported
}

unsupported := sprintf("the VM uses a custom or gallery image (%s)", [input.vm.image.id.value]) if {
	input.vm.image.kind == "custom"
}

unsupported := "the VM has no storageProfile.imageReference (an attached or restored OS disk)" if {
	input.vm.image.kind == "none"
}
