# METADATA
# title: patchcheck library
# description: |
#   Helpers shared by every rule: the VM under evaluation, the active knowledge
#   profile, the effective patch mode, image support and the finding
#   constructor. The input is one normalised VM (see checker/model) and the
#   profile name; rules never see raw templates, so one rule serves every
#   input format. Helpers are argument-free rules where they can be: OPA
#   caches those for the whole evaluation. Rules read input.vm directly:
#   going through an alias rule costs about 15% of an evaluation.
package patchcheck.lib

# profile is the knowledge of the edition of Azure's rules chosen with --profile.
profile := data.patchcheck.profiles[input.profile]

# known reports whether a fact carries a usable value: written literally or
# filled in from Azure's documented default.
known(fact) if fact.state in {"literal", "resolved", "default"}

# explicit reports whether a fact was written in the template, directly or
# through an expression patchcheck resolved (a parameter's default value, a
# variable), as opposed to Azure's default.
explicit(fact) if fact.state in {"literal", "resolved"}

# written reports whether a setting is known to be in the template, even
# when its value is an unresolved expression or breaks the schema. A
# "hidden" fact (an unresolved expression on an ancestor stands for it) may
# not be there at all: no rule may treat it as present.
written(fact) if fact.state in {"literal", "resolved", "expression", "invalid"}

# mode is the effective patch mode (explicit or Azure's default for the OS).
mode := input.vm.patchMode.value if known(input.vm.patchMode)

platform_orchestrated if mode == "AutomaticByPlatform"

# mode_fits_os holds when the effective mode exists on the VM's OS; PC001
# reports the others, and no other rule reasons from them.
mode_fits_os if mode in profile.patchModes[input.vm.os.value]

# origin explains, inside a message, where a value came from when it was
# not written literally: Azure's default, or a resolved expression.
origin(fact) := sprintf(" (%s is absent and enableAutomaticUpdates is false, so the VM is treated as Manual)", [fact.property]) if {
	fact.state == "default"
	fact.value == "Manual"
} else := sprintf(" (%s is absent; Azure's default %v was assumed)", [fact.property, fact.value]) if {
	fact.state == "default"
} else := sprintf(" (from %s)", [fact.expression]) if {
	fact.state == "resolved"
} else := ""

# image_resolved holds for a marketplace image whose publisher, offer and sku
# are all known literals.
image_resolved if {
	input.vm.image.kind == "marketplace"
	known(input.vm.image.publisher)
	known(input.vm.image.offer)
	known(input.vm.image.sku)
}

image_supported if profile.supportedImages.exact[input.vm.image.key]

image_supported if {
	image_resolved
	some pattern in profile.supportedImages.skuPatterns
	lower(pattern.publisher) == lower(input.vm.image.publisher.value)
	lower(pattern.offer) == lower(input.vm.image.offer.value)
	regex.match(pattern.skuRegex, lower(input.vm.image.sku.value))
}

image_label := concat(":", [input.vm.image.publisher.value, input.vm.image.offer.value, input.vm.image.sku.value]) if image_resolved

rhel_image if {
	image_resolved
	lower(input.vm.image.publisher.value) in profile.rhelImages.publishers
}

rhel_image if {
	image_resolved
	some needle in profile.rhelImages.offerContains
	contains(lower(input.vm.image.offer.value), needle)
}

# finding builds one result: the fact it is about (at: a fact name such as
# "patchMode" or "image", "vm" for the resource itself, or "schemaErrors/N" /
# "unresolved/N") and the message. The entrypoint adds the rule's package,
# and Go adds rule ID, title, severity and fix hint from the rule's METADATA
# and the file position from the fact. Input facts carry no positions, so
# equal VMs are equal inputs and their results can be reused.
finding(at, msg) := {"at": at, "message": msg}

# finding_with_severity overrides the rule's default severity (PC004's
# warning band).
finding_with_severity(severity, at, msg) := {"severity": severity, "at": at, "message": msg}
