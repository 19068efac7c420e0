package tfplan

import (
	"fmt"
	"strings"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/schemas"
)

// KnownAfterApply is the expression text of a value Terraform knows only
// after apply, as `terraform plan` prints it.
const KnownAfterApply = "(known after apply)"

const unknownReason = "known only after terraform apply"

// Allowed values, as in schemas/vm-patch-settings.schema.json: patch modes
// are not checked against the OS here because rule PC001 reports a mode
// used on the wrong OS.
var (
	patchModes      = []string{"AutomaticByPlatform", "AutomaticByOS", "Manual", "ImageDefault"}
	assessmentModes = []string{"ImageDefault", "AutomaticByPlatform"}
	rebootSettings  = []string{"Unknown", "IfRequired", "Never", "Always"}
)

type valueKind int

const (
	stringValue valueKind = iota
	boolValue
)

// facts collects one VM's facts; seen de-duplicates unknown values that hide
// several attributes at once (a whole os_profile block, say).
type facts struct {
	w    *walker
	vm   model.VM
	seen map[string]bool
}

// extractVM normalises one planned VM or scale set. res is its planned
// object (change.after or a planned_values resource's values).
func extractVM(w *walker, address, typ, kind string, res *node, loc, typeLoc model.Loc) model.VM {
	f := &facts{w: w, seen: map[string]bool{}}
	f.vm = model.VM{
		Kind:         kind,
		Name:         address,
		Type:         typ,
		Loc:          loc,
		APIVersion:   model.APIVersion{Fact: model.Fact{State: model.Absent, Property: "apiVersion", Loc: loc}},
		AgentVersion: model.Fact{State: model.Absent, Property: "instanceView.vmAgent.vmAgentVersion", Loc: loc},
		Unresolved:   []model.Unresolved{},
		SchemaErrors: []model.SchemaError{},
	}

	// cfg holds the OS settings: the resource itself, or the OS block of an
	// orchestrated scale set or a legacy azurerm_virtual_machine.
	cfg := res
	var win, lin *node // OS blocks, for the types that have them
	legacyWindows := false
	switch typ {
	case typeLinuxVM, typeLinuxVMSS:
		f.vm.OS = model.OS{Value: "linux", Source: "resource type " + typ}
	case typeWindowsVM, typeWindowsVMSS:
		f.vm.OS = model.OS{Value: "windows", Source: "resource type " + typ}
	case typeOrchestrated:
		profile := res.block("os_profile")
		win, lin = profile.block("windows_configuration"), profile.block("linux_configuration")
		f.vm.OS = f.osFromBlocks(win, lin, "os_profile.windows_configuration", "os_profile.linux_configuration", nil)
	case typeLegacyVM:
		win, lin = res.block("os_profile_windows_config"), res.block("os_profile_linux_config")
		f.vm.OS = f.osFromBlocks(win, lin, "os_profile_windows_config", "os_profile_linux_config", res.block("storage_os_disk").child("os_type"))
	}
	if win != nil {
		cfg = win
		if f.vm.OS.Value == "linux" || (!win.set() && lin.set()) {
			cfg = lin
		}
		legacyWindows = typ == typeLegacyVM && cfg == win && win.set()
	}

	if typ == typeLegacyVM {
		ref := res.block("storage_image_reference")
		f.vm.Image = f.image(ref.child("id"), res.child("storage_image_reference"), ref)
	} else {
		f.vm.Image = f.image(res.child("source_image_id"), res.child("source_image_reference"), res.block("source_image_reference"))
	}

	mode, assessment, hotpatching := cfg.child("patch_mode"), cfg.child("patch_assessment_mode"), cfg.child("hotpatching_enabled")
	if typ == typeLegacyVM {
		// azurerm_virtual_machine cannot set patchSettings: Azure's
		// defaults apply.
		mode, assessment, hotpatching = &node{prop: "patch_mode"}, &node{prop: "patch_assessment_mode"}, &node{prop: "hotpatching_enabled"}
	}
	f.vm.PatchMode = f.enum(mode, "patchMode", patchModes, "a patch mode")
	f.vm.AssessmentMode = f.enum(assessment, "assessmentMode", assessmentModes, "an assessment mode")
	switch {
	case mode.set():
		f.vm.PatchSettings = model.Presence{Present: true, Loc: f.loc(mode)}
	case assessment.set():
		f.vm.PatchSettings = model.Presence{Present: true, Loc: f.loc(assessment)}
	default:
		f.vm.PatchSettings = model.Presence{Loc: loc}
	}
	f.vm.ProvisionVMAgent = f.fact(cfg.child("provision_vm_agent"), boolValue, "provisionVMAgent")
	f.vm.EnableAutomaticUpdates = f.fact(f.automaticUpdates(typ, cfg), boolValue, "enableAutomaticUpdates")
	f.vm.EnableHotpatching = f.fact(hotpatching, boolValue, model.TopicLater)
	f.vm.RebootSetting = f.enum(res.child("reboot_setting"), model.TopicLater, rebootSettings, "a reboot setting")
	f.vm.BypassSafetyChecks = f.fact(res.child("bypass_platform_safety_checks_on_user_schedule_enabled"), boolValue, model.TopicLater)
	if typ == typeOrchestrated {
		// The resource type is the orchestration mode: azurerm creates
		// Flexible scale sets with it and Uniform ones with the others.
		f.vm.OrchestrationMode = model.Fact{State: model.Literal, Value: "Flexible", Property: "type", Loc: typeLoc}
	} else {
		f.vm.OrchestrationMode = model.Fact{State: model.Absent, Property: "orchestration_mode", Loc: loc}
	}
	f.vm.AutomaticOSUpgrade = f.fact(res.block("automatic_os_upgrade_policy").child("enable_automatic_os_upgrade"), boolValue, model.TopicLater)
	f.vm.HealthExtension = hasHealthExtension(res)
	f.applyDefaults(legacyWindows)
	return f.vm
}

// automaticUpdates is the attribute that sets enableAutomaticUpdates:
// automatic_updates_enabled (azurerm 4.x) or enable_automatic_updates
// (3.x), whichever the plan sets; enable_automatic_upgrades on a legacy
// azurerm_virtual_machine. Linux resources have none.
func (f *facts) automaticUpdates(typ string, cfg *node) *node {
	switch typ {
	case typeLegacyVM:
		if f.vm.OS.Value == "linux" {
			return &node{prop: "os_profile_windows_config.enable_automatic_upgrades"}
		}
		return cfg.child("enable_automatic_upgrades")
	case typeLinuxVM, typeLinuxVMSS:
		return &node{prop: "automatic_updates_enabled"}
	}
	v4, v3 := cfg.child("automatic_updates_enabled"), cfg.child("enable_automatic_updates")
	switch {
	case v4.set():
		return v4
	case v3.set():
		return v3
	case v3.has && !v4.has:
		return v3
	}
	return v4
}

// osFromBlocks infers the OS of a resource that says it with an OS block,
// then from the OS disk's os_type. It never guesses.
func (f *facts) osFromBlocks(win, lin *node, winName, linName string, osType *node) model.OS {
	hasWin, hasLin := win.set(), lin.set()
	switch {
	case hasWin && !hasLin:
		return model.OS{Value: "windows", Source: winName}
	case hasLin && !hasWin:
		return model.OS{Value: "linux", Source: linName}
	}
	if osType != nil && osType.unknown == nil {
		if s, ok := osType.val.(string); ok {
			switch strings.ToLower(s) {
			case "windows":
				return model.OS{Value: "windows", Source: osType.prop}
			case "linux":
				return model.OS{Value: "linux", Source: osType.prop}
			}
		}
	}
	why := fmt.Sprintf("no %s or %s", winName, linName)
	switch {
	case hasWin && hasLin && (win.unknown != nil || lin.unknown != nil):
		why = fmt.Sprintf("%s and %s both set, at least one known only after apply", winName, linName)
		// The hidden block matters whatever the OS turns out to be.
		for _, n := range []*node{win, lin} {
			if n.unknown != nil {
				f.unresolved(n, model.TopicAny)
			}
		}
	case hasWin && hasLin:
		why = fmt.Sprintf("both %s and %s", winName, linName)
	}
	if osType != nil {
		why += ", no " + osType.prop
	}
	return model.OS{Value: "unknown", Source: why}
}

func (f *facts) loc(n *node) model.Loc {
	if n.unknown != nil {
		return f.unknownLoc(n.unknown)
	}
	if n.at == nil {
		return f.vm.Loc
	}
	return f.w.loc(n.off, n.ptr)
}

// unknownLoc points at the after_unknown entry that marks h, which is where
// the plan says the value is known only after apply.
func (f *facts) unknownLoc(h *node) model.Loc {
	if h.uat == nil {
		return f.vm.Loc
	}
	return f.w.loc(h.uoff, h.uptr)
}

// fact reads a scalar attribute. An unknown value is an unresolved
// expression (PC011) under topic, which tells the rules when it matters; a
// value of the wrong JSON type is Invalid and a schema error (PC010), since
// no schema stage sees a plan.
func (f *facts) fact(n *node, want valueKind, topic string) model.Fact {
	out := model.Fact{Property: n.prop, Loc: f.loc(n)}
	if n.unknown != nil {
		out.State, out.Expression = model.Expression, KnownAfterApply
		if n.unknown != n {
			// A whole block is known only after apply: whether it sets
			// this attribute at all is unknown too.
			out.State = model.Hidden
		}
		f.unresolved(n, topic)
		return out
	}
	switch v := n.val.(type) {
	case nil:
		out.State = model.Absent
	case bool:
		if want == boolValue {
			out.State, out.Value = model.Literal, v
			break
		}
		f.wrongType(&out, v, "a string")
	case string:
		switch {
		case want == stringValue && v == "":
			out.State = model.Absent // unset optional string (plugin SDK v2)
		case want == stringValue:
			out.State, out.Value = model.Literal, v
		default:
			f.wrongType(&out, v, "a boolean")
		}
	default:
		expected := "a string"
		if want == boolValue {
			expected = "a boolean"
		}
		f.wrongType(&out, v, expected)
	}
	return out
}

// enum reads a string attribute with a fixed set of values.
func (f *facts) enum(n *node, topic string, allowed []string, what string) model.Fact {
	out := f.fact(n, stringValue, topic)
	if out.State != model.Literal {
		return out
	}
	s := out.Value.(string)
	for _, a := range allowed {
		if s == a {
			return out
		}
	}
	out.State = model.Invalid
	msg := fmt.Sprintf("%q is not %s", s, what)
	if near := schemas.Nearest(s, allowed); near != "" {
		msg += fmt.Sprintf("; did you mean %q?", near)
	} else {
		msg += fmt.Sprintf(" (allowed: %s)", strings.Join(allowed, ", "))
	}
	f.vm.SchemaErrors = append(f.vm.SchemaErrors, model.SchemaError{Property: out.Property, Message: msg, Loc: out.Loc})
	return out
}

func (f *facts) wrongType(out *model.Fact, v any, expected string) {
	out.State = model.Invalid
	msg := fmt.Sprintf("expected %s, found %s", expected, describe(v))
	if s, ok := v.(string); ok && expected == "a boolean" && (strings.EqualFold(s, "true") || strings.EqualFold(s, "false")) {
		msg += fmt.Sprintf("; write %s without quotes", strings.ToLower(s))
	}
	f.vm.SchemaErrors = append(f.vm.SchemaErrors, model.SchemaError{Property: out.Property, Message: msg, Loc: out.Loc})
}

func describe(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", v)
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("the number %v", v)
}

// unresolved records the unknown value hiding n once. An unknown block
// hides many settings, so it matters whatever the topic.
func (f *facts) unresolved(n *node, topic string) {
	h := n.unknown
	if h != n {
		topic = model.TopicAny
	}
	key := h.uptr
	if f.seen[key] {
		return
	}
	f.seen[key] = true
	f.vm.Unresolved = append(f.vm.Unresolved, model.Unresolved{
		Property: h.prop, Expression: KnownAfterApply, Reason: unknownReason, Topic: topic, Loc: f.unknownLoc(h),
	})
}

// image classifies the source image. An image id makes the image custom,
// even one known only after apply: whatever it turns out to be, it is not a
// marketplace image, so (as for an ARM id expression) no rule needs its
// value and no PC011 is raised for it. The id fact is still an expression,
// with the text as its value for messages.
//
// block is the image reference block's attribute and ref its first element.
func (f *facts) image(id, block, ref *node) model.Image {
	img := model.Image{Loc: f.vm.Loc}
	switch {
	case block.set():
		img.Loc = f.loc(block)
	case id.set():
		img.Loc = f.loc(id)
	}
	absent := func(part string) model.Fact {
		return model.Fact{State: model.Absent, Property: joinProp(block.prop, part), Loc: img.Loc}
	}
	switch {
	case id.unknown != nil:
		img.ID = model.Fact{State: model.Expression, Value: KnownAfterApply, Expression: KnownAfterApply, Property: id.prop, Loc: f.loc(id)}
	case id.set():
		img.ID = f.fact(id, stringValue, "image")
	default:
		img.ID = model.Fact{State: model.Absent, Property: id.prop, Loc: img.Loc}
	}
	parts := []*node{ref.child("publisher"), ref.child("offer"), ref.child("sku")}
	refSet := ref.unknown != nil || parts[0].set() || parts[1].set() || parts[2].set()
	// An unknown id beside a platform image reference will be null: azurerm
	// accepts exactly one of them.
	if id.set() && (id.unknown == nil || !refSet) {
		img.Kind = model.ImageCustom
		img.Publisher, img.Offer, img.Sku = absent("publisher"), absent("offer"), absent("sku")
		return img
	}
	if ref.unknown != nil {
		// The block itself is unknown: it holds only the image.
		f.unresolvedAs(ref, "image")
	}
	if !ref.has && ref.unknown == nil {
		img.Kind = model.ImageNone
		img.Publisher, img.Offer, img.Sku = absent("publisher"), absent("offer"), absent("sku")
		return img
	}
	img.Publisher = f.fact(parts[0], stringValue, "image")
	img.Offer = f.fact(parts[1], stringValue, "image")
	img.Sku = f.fact(parts[2], stringValue, "image")
	switch {
	case ref.unknown != nil || img.Publisher.Unresolvable() || img.Offer.Unresolvable() || img.Sku.Unresolvable():
		img.Kind = model.ImageUnresolved
	default:
		img.SetMarketplace()
	}
	return img
}

// unresolvedAs records the unknown node h itself under topic.
func (f *facts) unresolvedAs(h *node, topic string) {
	if h.unknown == nil {
		return
	}
	if h.unknown != h {
		topic = model.TopicAny
	}
	f.unresolved(h.unknown, topic)
}

// applyDefaults fills absent settings with the defaults the azurerm provider
// and Azure apply, exactly as the ARM adapter does, except that a legacy
// azurerm_virtual_machine with an os_profile_windows_config sends
// provisionVMAgent and enableAutomaticUpdates false unless they are set.
func (f *facts) applyDefaults(legacyWindows bool) {
	os := f.vm.OS.Value
	// The settings first: Azure's patch mode for a VM without one follows
	// enableAutomaticUpdates, given or defaulted.
	if f.vm.ProvisionVMAgent.State == model.Absent {
		f.vm.ProvisionVMAgent.State, f.vm.ProvisionVMAgent.Value = model.Default, f.w.defaults.ProvisionVMAgent && !legacyWindows
	}
	if os == "windows" && f.vm.EnableAutomaticUpdates.State == model.Absent {
		f.vm.EnableAutomaticUpdates.State, f.vm.EnableAutomaticUpdates.Value = model.Default, f.w.defaults.EnableAutomaticUpdates && !legacyWindows
	}
	if f.vm.PatchMode.State == model.Absent {
		eau := f.vm.EnableAutomaticUpdates
		eauFalse := eau.Known() && eau.Value == false
		if os == "windows" || os == "linux" {
			// Azure runs a Windows VM with automatic updates off and no mode
			// as the profile's windowsAutomaticUpdatesOff (Manual).
			f.vm.PatchMode.State, f.vm.PatchMode.Value = model.Default, f.w.defaults.PatchMode.For(os, !eauFalse)
		}
	}
}

// hasHealthExtension looks for the Application Health extension among a
// scale set's extension blocks.
func hasHealthExtension(res *node) bool {
	exts, _ := res.child("extension").val.([]any)
	for _, e := range exts {
		m, _ := e.(map[string]any)
		if t, ok := m["type"].(string); ok && model.IsHealthExtensionType(t) {
			return true
		}
	}
	return false
}
