package arm

import (
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

// scaleSetExtension is a Microsoft.Compute/virtualMachineScaleSets/extensions
// resource deployed beside its scale set (a top-level resource, or one in a
// nested deployment, as compiled Bicep modules write them), not inside it.
type scaleSetExtension struct {
	scaleSet string // the scale set's name; "" when the name is an unresolved expression
	health   bool   // an Application Health extension
	unknown  *node  // the unresolved name or type that may make it one
}

// scaleSetExtension records an extension resource found at the top level
// of a template (children of a scale set are read with the scale set).
func (w *walker) scaleSetExtension(r *jsonpos.Value, ptr string) {
	res := &node{v: r, ptr: ptr, offset: r.Offset, sc: w.scope}
	var ext scaleSetExtension
	switch name := res.child("name"); {
	case name.expr != "":
		ext.unknown = name
	case name.v != nil && name.v.Kind == jsonpos.String:
		ext.scaleSet, _, _ = strings.Cut(literalString(name.v), "/")
	}
	switch t := res.child("properties").child("type"); {
	case t.expr != "":
		ext.unknown = t
	case t.v != nil && t.v.Kind == jsonpos.String:
		ext.health = model.IsHealthExtensionType(t.v.Str)
	}
	if ext.health || ext.unknown != nil {
		w.extensions = append(w.extensions, ext)
	}
}

// linkExtensions gives each scale set the health extensions deployed beside
// it. One that may belong to it (its name or type unresolved, or the scale
// set's own name unresolved) is recorded under TopicHealthExtension, so
// PC017 does not claim the extension is missing. The extensions are
// indexed by scale-set name first: the work is linear in the resources.
func (w *walker) linkExtensions() {
	if len(w.extensions) == 0 {
		return
	}
	health := map[string]bool{}       // scale sets with a health extension beside them
	unknown := map[string]*node{}     // scale sets with an extension of unresolved type
	var anyName *node                 // an extension whose scale set is unresolved
	var someHealth *scaleSetExtension // a health extension of a known scale set
	var someUnknown *node             // an extension of unresolved type of a known scale set
	for i := range w.extensions {
		ext := &w.extensions[i]
		key := strings.ToLower(ext.scaleSet)
		switch {
		case ext.scaleSet == "":
			if anyName == nil {
				anyName = ext.unknown
			}
		case ext.unknown != nil:
			if unknown[key] == nil {
				unknown[key] = ext.unknown
			}
			if someUnknown == nil {
				someUnknown = ext.unknown
			}
		default:
			health[key] = true
			if someHealth == nil {
				someHealth = ext
			}
		}
	}
	for i := range w.vms {
		vm := &w.vms[i]
		if vm.NoProfile || vm.Facts.Kind != model.KindVMS || vm.Facts.HealthExtension {
			continue
		}
		f := &facts{w: w, vm: vm.Facts, seen: map[string]bool{}}
		key := strings.ToLower(vm.Facts.Name)
		switch {
		case IsExpressionText(vm.Facts.Name) && anyName != nil:
			f.unresolved(anyName, model.TopicHealthExtension)
		case IsExpressionText(vm.Facts.Name) && someUnknown != nil:
			f.unresolved(someUnknown, model.TopicHealthExtension)
		case IsExpressionText(vm.Facts.Name) && someHealth != nil:
			f.vm.Unresolved = append(f.vm.Unresolved, model.Unresolved{
				Property: "name", Expression: vm.Facts.Name, Topic: model.TopicHealthExtension, Loc: vm.Facts.Loc,
				Reason: "a health extension is deployed for scale set '" + someHealth.scaleSet + "', which may be this one",
			})
		case IsExpressionText(vm.Facts.Name):
		case health[key]:
			f.vm.HealthExtension = true
		case unknown[key] != nil:
			f.unresolved(unknown[key], model.TopicHealthExtension)
		case anyName != nil:
			f.unresolved(anyName, model.TopicHealthExtension)
		}
		vm.Facts = f.vm
	}
}

// IsExpressionText reports whether s is an ARM template expression.
func IsExpressionText(s string) bool {
	return IsExpression(&jsonpos.Value{Kind: jsonpos.String, Str: s})
}
