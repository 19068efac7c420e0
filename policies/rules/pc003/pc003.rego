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
deny contains f if {
	some vm in input.vms
	lib.platform_orchestrated(vm)
	reason := unsupported(vm)
	f := lib.finding(rego.metadata.rule(), vm, vm.image.loc, sprintf(
		"patchMode AutomaticByPlatform%s needs a supported platform image, but %s",
		[lib.assumed(vm.patchMode), reason],
	))
}

unsupported(vm) := sprintf("%s is not in the %s supported-image list", [lib.image_label(vm), input.profile]) if {
	lib.image_resolved(vm)
	not lib.image_supported(vm)
}

unsupported(vm) := sprintf("the VM uses a custom or gallery image (%s)", [vm.image.id.value]) if {
	vm.image.kind == "custom"
	lib.known(vm.image.id)
}

unsupported(vm) := "the VM has no storageProfile.imageReference (an attached or restored OS disk)" if {
	vm.image.kind == "none"
}
