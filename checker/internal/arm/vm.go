package arm

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/armexpr"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/schemas"
)

var apiDate = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})(-[A-Za-z0-9.]+)?$`)

// facts collects one VM's facts; seen de-duplicates unresolved expressions
// that hide several properties at once.
type facts struct {
	w    *walker
	vm   model.VM
	seen map[string]bool
	// osProfile is the subtree the schema stage validates (see schemaSees).
	osProfile *node
}

func (w *walker) vm(r *jsonpos.Value, ptr, symbolic, typ, kind string) VM {
	f := &facts{w: w, seen: map[string]bool{}}
	f.vm = model.VM{
		File:         w.doc.Name,
		Via:          w.via,
		Kind:         kind,
		Name:         w.resourceName(r, symbolic),
		Type:         typ,
		Loc:          w.loc(r.Offset, ptr),
		Unresolved:   []model.Unresolved{},
		SchemaErrors: []model.SchemaError{},
	}
	res := &node{v: r, ptr: ptr, offset: r.Offset, sc: w.scope}
	f.vm.Copy = copyLoop(res)
	f.vm.APIVersion = f.apiVersion(res.child("apiVersion"))

	// props holds the resource's properties: under "properties" in
	// templates and REST bodies, at the top level in az CLI output.
	props := res.child("properties")
	if w.flat {
		props = &node{v: r, ptr: ptr, offset: r.Offset, sc: w.scope}
	}
	profileNode := *props // a copy: profile.prop is reset below, props keeps its name
	profile := &profileNode
	if kind == model.KindVMS {
		profile = props.child("virtualMachineProfile")
	}
	profile.prop = "" // messages name properties from the VM profile down
	if kind == model.KindVMS && profile.expr == "" && !profile.present() {
		// A Flexible scale set created empty, or a resource that only
		// changes sku.capacity: no VM is defined, so no rule applies.
		return VM{Facts: f.vm, NoProfile: true}
	}
	osProfile := profile.child("osProfile")
	f.osProfile = osProfile
	win := osProfile.child("windowsConfiguration")
	lin := osProfile.child("linuxConfiguration")
	storage := profile.child("storageProfile")

	f.vm.Image = f.image(storage.child("imageReference"))
	f.vm.OS = f.os(win, lin, storage.child("osDisk").child("osType"))

	cfg := win
	switch {
	case f.vm.OS.Value == "unknown" && win.present() && lin.present():
		// Both blocks, and nothing else says which OS: which one Azure
		// would apply is unknown (PC010 and PC012 say so), so neither
		// block's patch settings are read as the VM's.
		cfg = &node{prop: win.prop, ptr: win.ptr, sc: win.sc}
	case f.vm.OS.Value == "linux" || (!win.present() && lin.present()):
		cfg = lin
	}
	settings := cfg.child("patchSettings")
	f.vm.PatchSettings = model.Presence{Present: settings.present(), Loc: f.loc(settings)}
	f.vm.PatchMode = f.fact(settings.child("patchMode"), jsonpos.String, "patchMode")
	f.vm.AssessmentMode = f.fact(settings.child("assessmentMode"), jsonpos.String, "assessmentMode")
	f.vm.ProvisionVMAgent = f.fact(cfg.child("provisionVMAgent"), jsonpos.Bool, "provisionVMAgent")
	f.vm.EnableAutomaticUpdates = f.fact(win.child("enableAutomaticUpdates"), jsonpos.Bool, "enableAutomaticUpdates")
	f.vm.EnableHotpatching = f.fact(settings.child("enableHotpatching"), jsonpos.Bool, model.TopicLater)
	byPlatform := settings.child("automaticByPlatformSettings")
	f.vm.RebootSetting = f.fact(byPlatform.child("rebootSetting"), jsonpos.String, model.TopicLater)
	f.vm.BypassSafetyChecks = f.fact(byPlatform.child("bypassPlatformSafetyChecksOnUserSchedule"), jsonpos.Bool, model.TopicLater)
	f.vm.OrchestrationMode = f.fact(props.child("orchestrationMode"), jsonpos.String, model.TopicLater)
	f.vm.AutomaticOSUpgrade = f.fact(props.child("upgradePolicy").child("automaticOSUpgradePolicy").child("enableAutomaticOSUpgrade"), jsonpos.Bool, model.TopicLater)
	f.vm.HealthExtension = f.healthExtension(profile, res)
	f.vm.Waivers = f.inlineWaivers(res.child("metadata").child("patchcheck").child("waivers"))
	f.vm.Placement = model.Placement{
		Location:        f.text(res.child("location")),
		Zone:            f.firstText(res.child("zones")),
		AvailabilitySet: lastSegment(f.text(profile.child("availabilitySet").child("id"))),
		TimeZone:        f.text(win.child("timeZone")),
	}
	if !w.noDefaults {
		f.applyDefaults()
	}
	if len(w.via) > 0 {
		f.vm.Passed = f.passed(r)
	}

	out := VM{Facts: f.vm, Doc: w.doc}
	if osProfile.object() {
		out.OSProfile, out.OSProfilePointer = osProfile.v, osProfile.ptr
	}
	return out
}

// passed reports whether a VM of a linked template took a value from
// outside its file: a fact, or its name, computed from a parameter its
// deployment passed.
func (f *facts) passed(r *jsonpos.Value) bool {
	vm := &f.vm
	for _, fact := range []*model.Fact{&vm.APIVersion.Fact, &vm.PatchMode, &vm.AssessmentMode, &vm.EnableAutomaticUpdates,
		&vm.ProvisionVMAgent, &vm.EnableHotpatching, &vm.RebootSetting, &vm.BypassSafetyChecks, &vm.OrchestrationMode,
		&vm.AutomaticOSUpgrade, &vm.Image.Publisher, &vm.Image.Offer, &vm.Image.Sku} {
		for _, rel := range fact.Related {
			if rel.File != vm.File {
				return true
			}
		}
	}
	if e, ok := expression(r.Get("name")); ok {
		_, related := f.w.scope.eval(e)
		for _, rel := range related {
			if rel.File != vm.File {
				return true
			}
		}
	}
	return false
}

// resourceName is the resource's name, evaluated when it is an expression
// the template can resolve (so --baseline can match it and output shows
// it); otherwise as written.
func (w *walker) resourceName(r *jsonpos.Value, symbolic string) string {
	if n := r.Get("name"); n != nil && n.Kind == jsonpos.String && n.Str != "" {
		if e, ok := w.scope.expression(n); ok && w.scope != nil {
			if v, _ := w.scope.eval(e); v != nil {
				if s, ok := v.(string); ok {
					return s
				}
			}
		}
		return n.Str
	}
	if symbolic != "" {
		return symbolic
	}
	return "(unnamed)"
}

func copyLoop(res *node) *model.Copy {
	c := res.child("copy")
	if !c.object() {
		return nil
	}
	out := &model.Copy{}
	if n := c.v.Get("name"); n != nil && n.Kind == jsonpos.String {
		out.Name = n.Str
	}
	if n := c.v.Get("count"); n != nil && (n.Kind == jsonpos.Number || n.Kind == jsonpos.String) {
		out.Count = n.Str
	}
	return out
}

// loc is where a finding about n points: the property when it exists, else
// the resource (SPEC §3).
func (f *facts) loc(n *node) model.Loc {
	if n.v == nil {
		return f.vm.Loc
	}
	return f.w.loc(n.offset, n.ptr)
}

// fact reads a scalar property. A value of the wrong JSON type is Invalid
// (the schema stage reports it as PC010); an expression is recorded as
// unresolved (PC011) under topic, which tells the rule when it matters.
func (f *facts) fact(n *node, want jsonpos.Kind, topic string) model.Fact {
	out := model.Fact{Property: n.prop, Loc: f.loc(n)}
	stringBool := false
	switch {
	case n.expr != "":
		out.State, out.Expression = model.Expression, n.expr
		f.unresolved(n, topic)
		if n.exprNode != n {
			// The expression stands for an ancestor: the setting may not
			// be there at all.
			out.State, out.Loc = model.Hidden, f.loc(n.exprNode)
		}
	case !n.present():
		out.State = model.Absent
	case n.v.Kind == want && want == jsonpos.Bool:
		out.State, out.Value = model.Literal, n.v.Bool
	case n.v.Kind == want:
		out.State, out.Value = model.Literal, n.sc.literal(n.v)
	case want == jsonpos.Bool && n.v.Kind == jsonpos.String && model.IsStringBool(n.v.Str):
		// The Compute API accepts "true" and "false" for a boolean: rules
		// read the value Azure uses; PC010 warns about the type.
		out.State, out.Value, stringBool = model.Literal, strings.EqualFold(n.v.Str, "true"), true
	default:
		out.State = model.Invalid
	}
	if out.State == model.Literal && n.resolvedFrom != "" {
		out.State, out.Expression, out.Related = model.Resolved, n.resolvedFrom, namedFirst(n.related, n.prop)
	}
	if (stringBool || out.State == model.Invalid) && !f.schemaSees(n) {
		f.vm.SchemaErrors = append(f.vm.SchemaErrors, f.typeError(n, want, out))
	}
	return out
}

// namedFirst puts first the places named after the property (parameter
// 'patchMode' for ...patchSettings.patchMode): a value resolved from an
// expression that builds a whole object (an osProfile from
// createObject(...)) depends on every place the expression read, and
// findings list only the first few.
func namedFirst(rs []model.Related, prop string) []model.Related {
	leaf := strings.ToLower(prop[strings.LastIndexByte(prop, '.')+1:])
	named := func(r model.Related) bool {
		_, rest, ok := strings.Cut(r.Message, "'")
		name, _, ok2 := strings.Cut(rest, "'")
		return ok && ok2 && leaf != "" && strings.Contains(strings.ToLower(name), leaf)
	}
	if len(rs) < 2 || named(rs[0]) || !slices.ContainsFunc(rs, named) {
		return rs
	}
	out := make([]model.Related, 0, len(rs))
	for _, r := range rs {
		if named(r) {
			out = append(out, r)
		}
	}
	for _, r := range rs {
		if !named(r) {
			out = append(out, r)
		}
	}
	return out
}

// schemaSees reports whether the schema stage validates n: it sees the
// osProfile subtree as written (or as resolved, when osProfile itself was
// an expression), without the expressions inside it. A wrong type anywhere
// else (a resolved value, upgradePolicy, the image) is reported here, so it
// is never silently ignored.
func (f *facts) schemaSees(n *node) bool {
	o := f.osProfile
	return o != nil && o.object() && strings.HasPrefix(n.prop, o.prop+".") && n.resolvedFrom == o.resolvedFrom
}

// typeError is the PC010 entry for a value of the wrong JSON type that the
// schema stage does not see; a string boolean is a warning.
func (f *facts) typeError(n *node, want jsonpos.Kind, out model.Fact) model.SchemaError {
	e := model.SchemaError{Property: n.prop, Loc: out.Loc}
	if out.State == model.Invalid {
		e.Message = fmt.Sprintf("expected %s, found %s", want, model.Describe(n.v.Interface()))
	} else {
		e.Message, e.Severity = model.StringBoolMessage(n.v.Str), model.Warning
	}
	if n.resolvedFrom != "" {
		e.Message += fmt.Sprintf(" (from %s)", n.resolvedFrom)
	}
	return e
}

// unresolved records the expression hiding n once. An expression on an
// ancestor (a whole osProfile from a variable, say) hides many settings, so
// it matters whatever the topic.
func (f *facts) unresolved(n *node, topic string) {
	holder := n.exprNode
	if holder != n && topic != model.TopicHealthExtension {
		// The extensions are read after every patch setting: an ancestor
		// that also hides patch settings is already recorded as TopicAny,
		// so one seen first here (extensionProfile) hides only extensions.
		topic = model.TopicAny
	}
	if f.seen[holder.ptr+" "+holder.prop] {
		return
	}
	f.seen[holder.ptr+" "+holder.prop] = true
	u := model.Unresolved{Property: holder.prop, Expression: holder.expr, Reason: holder.reason, Topic: topic, Loc: f.loc(holder)}
	if holder.resolvedFrom != "" && holder.expr == holder.resolvedFrom {
		// An unknown part of a resolved value (patchSettings inside a
		// windowsConfiguration taken from a variable): point at the member
		// as written in the variable or parameter default, with its own
		// expression, rather than at the value of the ancestor.
		if m, ok := declaredMember(holder.sc, holder.prop, holder.expr); ok {
			if ptr, ok := pointerTo(f.w.doc.Root, m.Value); ok {
				key := ptr[:strings.LastIndex(ptr, "/")+1] + schemas.EscapePointer(m.Key)
				u.Expression, u.Loc = strings.TrimSpace(m.Value.Str), f.w.loc(m.KeyOffset, key)
			}
		}
	}
	f.vm.Unresolved = append(f.vm.Unresolved, u)
}

func (f *facts) apiVersion(n *node) model.APIVersion {
	out := model.APIVersion{Fact: f.fact(n, jsonpos.String, "apiVersion")}
	out.Property = "apiVersion"
	if out.State == model.Literal || out.State == model.Resolved {
		if m := apiDate.FindStringSubmatch(out.Value.(string)); m != nil {
			out.Date = m[1]
		} else {
			out.State = model.Invalid
			f.vm.SchemaErrors = append(f.vm.SchemaErrors, model.SchemaError{
				Property: "apiVersion", Loc: out.Loc,
				Message: fmt.Sprintf("%q is not an API version; expected YYYY-MM-DD with an optional suffix such as -preview", out.Value),
			})
		}
	}
	return out
}

// image classifies the source image. Any id (managed image, shared or
// community gallery) is a custom image, even when the id is an expression.
func (f *facts) image(ref *node) model.Image {
	img := model.Image{Loc: f.loc(ref)}
	for _, key := range []string{"id", "sharedGalleryImageId", "communityGalleryImageId"} {
		if id := ref.child(key); id.present() {
			// Whatever an id expression resolves to, the image is custom:
			// show the text as written and raise no PC011 for it.
			img.Kind = model.ImageCustom
			img.ID = model.Fact{State: model.Literal, Value: id.v.Str, Property: id.prop, Loc: f.loc(id)}
			return img
		}
	}
	if ref.expr == "" && ref.present() && ref.v.Kind != jsonpos.Object {
		// Not an image reference at all; the schema has no say here, so
		// report it as no platform image rather than guess.
		img.Kind = model.ImageNone
		img.ID = model.Fact{State: model.Absent, Property: ref.prop + ".id", Loc: img.Loc}
		return img
	}
	img.Publisher = f.fact(ref.child("publisher"), jsonpos.String, "image")
	img.Offer = f.fact(ref.child("offer"), jsonpos.String, "image")
	img.Sku = f.fact(ref.child("sku"), jsonpos.String, "image")
	img.ID = model.Fact{State: model.Absent, Property: ref.prop + ".id", Loc: img.Loc}
	switch {
	case ref.expr != "" || img.Publisher.Unresolvable() || img.Offer.Unresolvable() || img.Sku.Unresolvable():
		img.Kind = model.ImageUnresolved
	case !ref.present():
		img.Kind = model.ImageNone
	default:
		img.SetMarketplace()
	}
	return img
}

// os infers the OS: the configuration block first, then the image, then
// osDisk.osType. It never guesses: with no evidence the OS is unknown.
func (f *facts) os(win, lin, osType *node) model.OS {
	hasWin, hasLin := win.present(), lin.present()
	switch {
	case hasWin && !hasLin:
		return model.OS{Value: "windows", Source: "osProfile.windowsConfiguration"}
	case hasLin && !hasWin:
		return model.OS{Value: "linux", Source: "osProfile.linuxConfiguration"}
	}
	img := f.vm.Image
	if img.Publisher.Known() && img.Offer.Known() {
		if os := f.w.a.images.infer(img.Publisher.Value.(string), img.Offer.Value.(string)); os != "" {
			return model.OS{Value: os, Source: fmt.Sprintf("image %s:%s", img.Publisher.Value, img.Offer.Value)}
		}
	}
	if t := f.fact(osType, jsonpos.String, model.TopicAny); t.Known() {
		switch strings.ToLower(t.Value.(string)) {
		case "windows":
			return model.OS{Value: "windows", Source: "storageProfile.osDisk.osType"}
		case "linux":
			return model.OS{Value: "linux", Source: "storageProfile.osDisk.osType"}
		}
	}
	why := []string{"no windowsConfiguration or linuxConfiguration"}
	switch {
	case hasWin && hasLin && (win.expr != "" || lin.expr != ""):
		why[0] = "windowsConfiguration and linuxConfiguration both set, at least one by an unresolved expression that may be null"
	case hasWin && hasLin:
		why[0] = "both windowsConfiguration and linuxConfiguration"
	}
	switch {
	case img.Kind == model.ImageMarketplace && img.Publisher.Known() && img.Offer.Known():
		why = append(why, fmt.Sprintf("image publisher %q offer %q not recognised", img.Publisher.Value, img.Offer.Value))
	case img.Kind == model.ImageMarketplace:
		why = append(why, "an image reference without publisher and offer")
	case img.Kind == model.ImageCustom:
		why = append(why, "a custom image")
	case img.Kind == model.ImageUnresolved:
		why = append(why, "an unresolved image reference")
	default:
		why = append(why, "no image reference")
	}
	why = append(why, "no osDisk.osType")
	return model.OS{Value: "unknown", Source: strings.Join(why, ", ")}
}

// applyDefaults fills absent settings with Azure's documented defaults.
func (f *facts) applyDefaults() {
	os := f.vm.OS.Value
	// The settings first: Azure's patch mode for a VM without one follows
	// enableAutomaticUpdates, given or defaulted.
	if f.vm.ProvisionVMAgent.State == model.Absent {
		f.vm.ProvisionVMAgent.State, f.vm.ProvisionVMAgent.Value = model.Default, f.w.a.defaults.ProvisionVMAgent
	}
	if os == "windows" && f.vm.EnableAutomaticUpdates.State == model.Absent {
		f.vm.EnableAutomaticUpdates.State, f.vm.EnableAutomaticUpdates.Value = model.Default, f.w.a.defaults.EnableAutomaticUpdates
	}
	if f.vm.PatchMode.State == model.Absent {
		eau := f.vm.EnableAutomaticUpdates
		switch {
		case os == "windows" && eau.Unresolvable():
			// Azure's default mode follows enableAutomaticUpdates, which
			// is unknown: no default is assumed (PC011 names the
			// expression).
		case os == "windows" || os == "linux":
			// With enableAutomaticUpdates false Azure runs a Windows VM
			// without a mode unpatched by the OS (the profile's
			// windowsAutomaticUpdatesOff, Manual): assuming the plain
			// Windows default would report a contradiction Azure does not
			// see.
			off := os == "windows" && eau.Known() && eau.Value == false
			f.vm.PatchMode.State, f.vm.PatchMode.Value = model.Default, f.w.a.defaults.PatchMode.For(os, !off)
		}
	}
}

// healthExtension looks for the Application Health extension in the
// profile's extensionProfile or among the resource's child extensions. An
// extension list, an extension or its type that is an unresolved
// expression may be the health extension: it is recorded under
// TopicHealthExtension, so PC017 does not claim the extension is missing.
func (f *facts) healthExtension(profile, res *node) bool {
	look := func(list *node) bool {
		if list.expr != "" {
			f.unresolved(list, model.TopicHealthExtension)
			return false
		}
		if list.v == nil || list.v.Kind != jsonpos.Array {
			return false
		}
		for i := range list.v.Items {
			t := list.item(i).child("properties").child("type")
			switch {
			case t.expr != "":
				f.unresolved(t, model.TopicHealthExtension)
			case t.v != nil && t.v.Kind == jsonpos.String && model.IsHealthExtensionType(t.v.Str):
				return true
			}
		}
		return false
	}
	return look(profile.child("extensionProfile").child("extensions")) || look(res.child("resources"))
}

// item steps into element i of an array node, as child steps into a
// member: an unknown part of a resolved array, or an element that is an
// expression patchcheck cannot resolve, is unresolved.
func (n *node) item(i int) *node {
	v := n.v.Items[i]
	c := &node{v: v, offset: v.Offset, ptr: indexPointer(n.ptr, i), prop: n.prop, sc: n.sc, resolvedFrom: n.resolvedFrom, related: n.related}
	if n.resolvedFrom != "" {
		c.ptr = n.ptr // a resolved value has no pointer of its own
		if reason, unknown := n.sc.unknown[v]; unknown {
			c.expr, c.exprNode, c.reason = n.resolvedFrom, c, reason
		}
		return c
	}
	e, ok := n.sc.expression(v)
	if !ok {
		return c
	}
	if n.sc != nil {
		val, related := n.sc.eval(e)
		u, unknown := val.(armexpr.Unknown)
		if !unknown {
			c.v, c.resolvedFrom, c.related = n.sc.synthetic(val, v.Offset), e, related
			return c
		}
		c.reason = u.Reason
	}
	c.expr, c.exprNode = e, c
	return c
}

// inlineWaivers reads metadata.patchcheck.waivers on a resource. Malformed
// entries are kept (with empty fields) so the checker can reject them
// visibly.
func (f *facts) inlineWaivers(n *node) []model.InlineWaiver {
	if n.v == nil || n.v.Kind != jsonpos.Array {
		return nil
	}
	str := func(v *jsonpos.Value, key string) string {
		if x := v.Get(key); x != nil && x.Kind == jsonpos.String {
			return strings.TrimSpace(x.Str)
		}
		return ""
	}
	var out []model.InlineWaiver
	for i, item := range n.v.Items {
		w := model.InlineWaiver{Loc: f.w.loc(item.Offset, indexPointer(n.ptr, i))}
		if item.Kind == jsonpos.Object {
			w.Rule, w.Reason, w.Expires = str(item, "rule"), str(item, "reason"), str(item, "expires")
		}
		out = append(out, w)
	}
	return out
}

// text is a known string value, or "".
func (f *facts) text(n *node) string {
	if n.expr == "" && n.v != nil && n.v.Kind == jsonpos.String {
		return n.sc.literal(n.v)
	}
	return ""
}

// firstText is the first element of a known string array, or "".
func (f *facts) firstText(n *node) string {
	if n.expr == "" && n.v != nil && n.v.Kind == jsonpos.Array && len(n.v.Items) > 0 && n.v.Items[0].Kind == jsonpos.String {
		return n.v.Items[0].Str
	}
	return ""
}

// lastSegment is the name at the end of a resource ID.
func lastSegment(id string) string {
	if i := strings.LastIndex(strings.TrimRight(id, "/"), "/"); i >= 0 {
		return id[i+1:]
	}
	return id
}
