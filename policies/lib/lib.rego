# METADATA
# title: patchcheck library
# description: |
#   Helpers shared by every rule: the active knowledge profile, the effective
#   patch mode, image support and the finding constructor. Rules read the
#   normalised VM model (see checker/model) from input.vms; they never see raw
#   templates, so one rule serves every input format.
package patchcheck.lib

# profile is the knowledge of the edition of Azure's rules chosen with --profile.
profile := data.patchcheck.profiles[input.profile]

# known reports whether a fact carries a usable value: written literally or
# filled in from Azure's documented default.
known(fact) if fact.state in {"literal", "default"}

# mode is the effective patch mode (explicit or Azure's default for the OS).
mode(vm) := vm.patchMode.value if known(vm.patchMode)

platform_orchestrated(vm) if mode(vm) == "AutomaticByPlatform"

# assumed explains, inside a message, that a value was not written but defaulted.
assumed(fact) := sprintf(" (%s is absent; Azure's default %v was assumed)", [fact.property, fact.value]) if {
	fact.state == "default"
} else := ""

image_supported(vm) if profile.supportedImages.exact[vm.image.key]

image_supported(vm) if {
	some pattern in profile.supportedImages.skuPatterns
	lower(pattern.publisher) == lower(vm.image.publisher.value)
	lower(pattern.offer) == lower(vm.image.offer.value)
	regex.match(pattern.skuRegex, lower(vm.image.sku.value))
}

# image_resolved holds for a marketplace image whose publisher, offer and sku
# are all known literals.
image_resolved(vm) if {
	vm.image.kind == "marketplace"
	known(vm.image.publisher)
	known(vm.image.offer)
	known(vm.image.sku)
}

image_label(vm) := sprintf("%s:%s:%s", [vm.image.publisher.value, vm.image.offer.value, vm.image.sku.value])

rhel_image(vm) if {
	image_resolved(vm)
	lower(vm.image.publisher.value) in profile.rhelImages.publishers
}

rhel_image(vm) if {
	image_resolved(vm)
	some needle in profile.rhelImages.offerContains
	contains(lower(vm.image.offer.value), needle)
}

# finding builds one result from the calling rule's METADATA, so the rule ID,
# severity, title and fix hint are written once, in the rule's annotation.
finding(meta, vm, loc, msg) := finding_with_severity(meta, meta.custom.severity, vm, loc, msg)

finding_with_severity(meta, severity, vm, loc, msg) := {
	"ruleId": meta.custom.id,
	"severity": severity,
	"title": meta.title,
	"message": msg,
	"remediation": meta.custom.remediation,
	"resource": vm.name,
	"resourceType": vm.type,
	"resourcePointer": vm.loc.pointer,
	"pointer": loc.pointer,
	"line": loc.line,
	"column": loc.column,
}

# mode_fits_os holds when the effective mode exists on the VM's OS; PC001
# reports the others, and no other rule reasons from them.
mode_fits_os(vm) if mode(vm) in profile.patchModes[vm.os.value]
