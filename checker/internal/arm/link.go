package arm

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/armexpr"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/schemas"
)

// Linked templates: a Microsoft.Resources/deployments resource whose
// properties.templateLink names another template. A link that leads to a
// local file (templateLink.relativePath, or a templateLink.uri built from
// the template's own location, as quickstarts build it from
// _artifactsLocation) is followed: the linked template is walked with the
// parameter values the deployment passes, and its VMs carry the file they
// are in and the deployments they were reached through. Every other link
// is Unfollowed, with the reason, so the linter can say so (PC011).

// Linker loads the files deployments link to. The adapter computes the
// path; the Linker decides whether it may be read (inside the tree the
// user pointed at, a regular file, under the size cap) and reads it.
type Linker interface {
	// Load returns the parsed file at path, a local path derived from a
	// link: relative to the working directory when the linking file's
	// name was, absolute otherwise. The error says, for a person, why the
	// file cannot be used.
	Load(path string) (*jsonpos.Document, error)
}

// MaxLinkedTemplates bounds the linked templates followed from one input.
// Links form a graph, not a tree: a few files linking each other several
// times would expand without end. A template deploys at most 800 resources,
// so a real one stays far below; past the bound the input is an error,
// never a partial pass.
const MaxLinkedTemplates = 4096

// LocalScheme is the scheme of the location patchcheck gives a template
// it reads from disk: deployment().properties.templateLink.uri is
// "patchcheck-local://local/<absolute folder of the template>/", so a link
// built from it (uri(parameters('_artifactsLocation'), 'nested/vm.json'),
// or a concat of it) names a local file. The folder, not the file:
// quickstart deployment scripts set _artifactsLocation to the folder the
// templates were staged in, and concat() appends to it as to a folder. A
// folder name that a URI cannot hold as it is (a space, a '%', a '#') is
// written "~" and its base64url encoding, so no escaping is involved.
const LocalScheme = "patchcheck-local"

// localHost is the host of a LocalScheme location: uri() needs one.
const localHost = "local"

// Extraction is what ExtractLinked finds in a template.
type Extraction struct {
	VMs []VM
	// Unfollowed are the deployments whose linked template was not checked.
	Unfollowed []Unfollowed
	// Linked lists the linked files that were followed, each once, in the
	// order first reached.
	Linked []string
}

// Unfollowed is a deployment whose linked template patchcheck did not
// check, and why.
type Unfollowed struct {
	Deployment      string // the deployment's name
	Type            string // the resource type as written
	File            string // the file the deployment is in
	ResourcePointer string // the deployment resource's pointer in File
	Property        string // the link property that decided, e.g. properties.templateLink.uri
	Loc             model.Loc
	Reason          string
	// Via are the deployments through which File was reached, outermost
	// first; empty when File is the input itself.
	Via []model.Related
}

// ExtractLinked is Extract that also follows the templates deployments
// link to, through links. A link it cannot follow is listed in
// Unfollowed; a nested deployment deeper than MaxTemplateDepth, or more
// than MaxLinkedTemplates linked templates, is an error.
func (a *Adapter) ExtractLinked(doc *jsonpos.Document, links Linker, params ...*ParameterFile) (Extraction, error) {
	w := &walker{a: a, doc: doc, scope: newScope(doc, doc.Root)}
	w.links = links
	w.scope.context = located(a.context.contextValues(), doc.Name)
	for _, p := range params {
		p.supply(w.scope)
	}
	w.template(doc.Root, "", 0)
	if w.err != nil {
		return Extraction{}, w.err
	}
	w.linkExtensions()
	return Extraction{VMs: w.vms, Unfollowed: w.unfollowed, Linked: w.linkedFiles}, nil
}

// linkedWalk is the walker's state for linked templates.
type linkedWalk struct {
	links       Linker
	via         []model.Related // deployments that led to the document being walked
	stack       []string        // fileKey of the documents being walked, outermost first
	followed    int             // linked templates followed so far
	unfollowed  []Unfollowed
	linkedFiles []string
	seenLinked  map[string]bool
}

// fileKey identifies a file on the walk's stack, to find cycles.
func fileKey(name string) string {
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return filepath.Clean(name)
}

// localBase is the location a template read from disk is given
// (LocalScheme), or "" when it has none (standard input).
func localBase(name string) string {
	if !onDisk(name) {
		return ""
	}
	abs, err := filepath.Abs(filepath.Dir(name))
	if err != nil {
		return ""
	}
	segs := strings.Split(strings.Trim(filepath.ToSlash(abs), "/"), "/")
	for i, seg := range segs {
		if !plainSegment(seg) {
			segs[i] = "~" + base64.RawURLEncoding.EncodeToString([]byte(seg))
		}
	}
	path := strings.Join(segs, "/")
	if path != "" {
		path += "/"
	}
	return LocalScheme + "://" + localHost + "/" + path
}

// plainSegment reports whether a folder name can stand in a URI's path as
// it is: unreserved characters and the sub-delimiters, not starting with
// the "~" of an encoded name.
func plainSegment(s string) bool {
	if strings.HasPrefix(s, "~") {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("-._~!$&'()*+,;=:@", r):
		default:
			return false
		}
	}
	return true
}

// localPath is the file a LocalScheme URI's path names.
func localPath(path string) string {
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, "~") {
			if b, err := base64.RawURLEncoding.DecodeString(seg[1:]); err == nil && len(b) > 0 {
				segs[i] = string(b)
			}
		}
	}
	p := strings.Join(segs, "/")
	if len(p) > 2 && p[0] == '/' && filepath.VolumeName(filepath.FromSlash(p[1:])) != "" {
		p = p[1:] // /C:/… on Windows
	}
	return filepath.FromSlash(p)
}

// located is the deployment context of a template read from file: ctx,
// with deployment().properties.templateLink naming the template's own
// location (LocalScheme) unless ctx gives one. A template from standard
// input has none.
func located(ctx map[string]any, file string) map[string]any {
	d, _ := ctx["deployment"].(map[string]any)
	if d == nil {
		// The evaluator's default, with its reason.
		d, _ = armexpr.DefaultContext("deployment", "pass --context FILE").(map[string]any)
	}
	props, _ := d["properties"].(map[string]any)
	if _, unknown := props["templateLink"].(armexpr.Unknown); props == nil || !unknown {
		return ctx // given by the user
	}
	link := any(armexpr.Unknown{Reason: "deployment().properties.templateLink is not known: the template came from standard input, which has no location"})
	if base := localBase(file); base != "" {
		link = map[string]any{
			"uri":            base,
			"contentVersion": armexpr.Unknown{Reason: "deployment().properties.templateLink.contentVersion is not known: it is known only at deployment"},
		}
	}
	np := make(map[string]any, len(props))
	for k, v := range props {
		np[k] = v
	}
	np["templateLink"] = link
	nd := make(map[string]any, len(d))
	for k, v := range d {
		nd[k] = v
	}
	nd["properties"] = np
	out := make(map[string]any, len(ctx)+1)
	for k, v := range ctx {
		out[k] = v
	}
	out["deployment"] = nd
	return out
}

// onDisk reports whether a document name is a file's path, not standard
// input.
func onDisk(name string) bool {
	return name != "" && name != "-" && !strings.HasPrefix(name, "<")
}

// linked follows the templateLink of a deployment resource.
func (w *walker) linked(r *jsonpos.Value, ptr, symbolic string, props, link *jsonpos.Member, depth int) {
	if w.links == nil {
		return // Extract: links are not followed (a baseline, fleet init)
	}
	propsPtr := ptr + "/" + schemas.EscapePointer(props.Key)
	linkPtr := propsPtr + "/" + schemas.EscapePointer(link.Key)
	name := w.resourceName(r, symbolic)
	un := Unfollowed{
		Deployment: name, Type: resourceType(r), File: w.doc.Name, ResourcePointer: ptr,
		Property: "properties." + link.Key, Loc: w.loc(link.KeyOffset, linkPtr), Via: w.via,
	}
	path, field, reason := w.linkTarget(link, linkPtr)
	if field != nil {
		un.Property, un.Loc = "properties."+link.Key+"."+field.prop, field.loc
	}
	if reason != "" {
		un.Reason = reason
		w.unfollowed = append(w.unfollowed, un)
		return
	}
	if depth+1 > MaxTemplateDepth {
		w.tooDeep(r, ptr, symbolic, true)
		return
	}
	if len(w.stack) == 0 {
		w.stack = []string{fileKey(w.doc.Name)} // the input: the first link is in it
	}
	key := fileKey(path)
	for _, k := range w.stack {
		if k == key {
			un.Reason = fmt.Sprintf("it links back to %s, which is being deployed already (a cycle), so it is not followed again", path)
			w.unfollowed = append(w.unfollowed, un)
			return
		}
	}
	if w.followed >= MaxLinkedTemplates {
		if w.err == nil {
			line, col := w.doc.Position(r.Offset)
			w.err = fmt.Errorf("deployment %q in %s (line %d, column %d) would be linked template number %d: patchcheck follows at most %d linked templates from one input (links that link each other many times expand without end), so the VMs past it cannot be checked",
				model.Clip(name), w.doc.Name, line, col, MaxLinkedTemplates+1, MaxLinkedTemplates)
		}
		return
	}
	w.followed++
	doc, err := w.links.Load(path)
	if err != nil {
		un.Reason = err.Error()
		w.unfollowed = append(w.unfollowed, un)
		return
	}
	if kind, why := Classify(doc); kind != Template {
		if kind == Parameters {
			why = "it is a deployment parameter file"
		}
		un.Reason = fmt.Sprintf("%s is not an ARM template: %s", doc.Name, why)
		w.unfollowed = append(w.unfollowed, un)
		return
	}
	inner := newScope(doc, doc.Root)
	inner.budget = w.scope.budget // one budget per input, linked templates included
	inner.context = located(nestedContext(w.scope.context, r, name), doc.Name)
	line, col := w.doc.Position(r.Offset)
	via := model.Related{Position: model.Position{File: w.doc.Name, Line: line, Column: col}, Pointer: ptr, Message: fmt.Sprintf("deployment '%s'", model.Clip(name))}
	w.passLinkedParameters(inner, props, propsPtr, name)

	saveDoc, saveScope, saveVia := w.doc, w.scope, w.via
	w.doc, w.scope = doc, inner
	w.via = append(saveVia[:len(saveVia):len(saveVia)], via)
	w.stack = append(w.stack, key)
	if !w.seenLinked[doc.Name] {
		if w.seenLinked == nil {
			w.seenLinked = map[string]bool{}
		}
		w.seenLinked[doc.Name] = true
		w.linkedFiles = append(w.linkedFiles, doc.Name)
	}
	w.template(doc.Root, "", depth+1)
	w.stack = w.stack[:len(w.stack)-1]
	w.doc, w.scope, w.via = saveDoc, saveScope, saveVia
}

// linkField is one property of a templateLink (or parametersLink) as
// the walk found it.
type linkField struct {
	prop  string // its name as written
	value any    // resolved, possibly armexpr.Unknown
	expr  string // the expression it was written as, if any
	loc   model.Loc
}

// field reads key of a link object, which may be written as an object
// or as one expression.
func (w *walker) field(link *jsonpos.Member, linkPtr, key string) *linkField {
	v := link.Value
	if e, ok := expression(v); ok {
		obj, _ := w.scope.eval(e)
		m, ok := obj.(map[string]any)
		if !ok {
			return nil
		}
		for k, x := range m {
			if strings.EqualFold(k, key) {
				return &linkField{prop: k, value: x, expr: e, loc: w.loc(link.KeyOffset, linkPtr)}
			}
		}
		return nil
	}
	if v.Kind != jsonpos.Object {
		return nil
	}
	m := v.GetMember(key)
	if m == nil {
		return nil
	}
	f := &linkField{prop: m.Key, loc: w.loc(m.KeyOffset, linkPtr+"/"+schemas.EscapePointer(m.Key))}
	if e, ok := expression(m.Value); ok {
		f.value, _ = w.scope.eval(e)
		f.expr = e
	} else {
		f.value = w.scope.resolve(m.Value)
	}
	return f
}

// linkTarget is the local path a templateLink leads to, or why there is
// none; field is the link property that decided.
func (w *walker) linkTarget(link *jsonpos.Member, linkPtr string) (string, *linkField, string) {
	if e, ok := expression(link.Value); ok {
		if v, _ := w.scope.eval(e); v != nil {
			if u, unknown := v.(armexpr.Unknown); unknown {
				return "", nil, fmt.Sprintf("it is the unresolved expression %s (%s)", model.Clip(e), u.Reason)
			}
		}
	} else if link.Value.Kind != jsonpos.Object {
		return "", nil, fmt.Sprintf("it is %s, not an object", kindName(link.Value))
	}
	if f := w.field(link, linkPtr, "id"); f != nil {
		return "", f, fmt.Sprintf("it names a template spec (%s), which patchcheck does not fetch", model.Clip(fmt.Sprint(shown(f))))
	}
	if f := w.field(link, linkPtr, "relativePath"); f != nil {
		s, why := linkString(f)
		if why != "" {
			return "", f, why
		}
		p, why := w.relativeTarget(s)
		return p, f, why
	}
	if f := w.field(link, linkPtr, "uri"); f != nil {
		s, why := linkString(f)
		if why != "" {
			return "", f, why
		}
		p, why := w.uriTarget(s)
		return p, f, why
	}
	return "", nil, "it has no uri, relativePath or id"
}

// shown is a link property for a message: its expression when it has one.
func shown(f *linkField) any {
	if s, ok := f.value.(string); ok {
		return s
	}
	if f.expr != "" {
		return f.expr
	}
	return f.value
}

// linkString is a link property's string value, or why it has none.
func linkString(f *linkField) (string, string) {
	switch v := f.value.(type) {
	case string:
		return v, ""
	case armexpr.Unknown:
		return "", fmt.Sprintf("it is the unresolved expression %s (%s)", model.Clip(f.expr), v.Reason)
	}
	return "", "it is not a string"
}

// relativeTarget resolves a relativePath against the linking file's
// folder, as ARM does.
func (w *walker) relativeTarget(rel string) (string, string) {
	if !onDisk(w.doc.Name) {
		return "", "the template came from standard input, so a relative path has no folder to start from"
	}
	native := filepath.FromSlash(rel)
	if rel == "" || filepath.IsAbs(native) || strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, `\`) || filepath.VolumeName(native) != "" {
		return "", fmt.Sprintf("%q is not a relative path", model.Clip(rel))
	}
	return filepath.Join(filepath.Dir(w.doc.Name), native), ""
}

// uriTarget maps a templateLink.uri to a local path when it was built from
// a template's own location (LocalScheme); any other URL is remote.
func (w *walker) uriTarget(s string) (string, string) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return "", fmt.Sprintf("%q is not a URL", model.Clip(s))
	}
	if !strings.EqualFold(u.Scheme, LocalScheme) {
		if u.Scheme == "" {
			return "", fmt.Sprintf("%q is not an absolute URL", model.Clip(s))
		}
		// The query is dropped from the message: it is a SAS token.
		u.RawQuery, u.Fragment, u.RawFragment, u.User = "", "", "", nil
		return "", fmt.Sprintf("the linked template is at a remote URL patchcheck does not fetch (%s)", model.Clip(u.String()))
	}
	if !strings.EqualFold(u.Host, localHost) {
		return "", fmt.Sprintf("%q is not a location patchcheck gives a template", model.Clip(s))
	}
	p := localPath(u.Path)
	// Name the file the way the linking file is named (relative to the
	// working directory, or absolute), as a folder walk would name it.
	if onDisk(w.doc.Name) {
		dir := filepath.Dir(w.doc.Name)
		if abs, err := filepath.Abs(dir); err == nil {
			if rel, err := filepath.Rel(abs, p); err == nil {
				return filepath.Join(dir, rel), ""
			}
		}
	}
	return p, ""
}

// passLinkedParameters gives a linked template's scope the values its
// deployment passes: properties.parameters, evaluated in the linking
// template's scope, over a parametersLink to a local parameter file.
func (w *walker) passLinkedParameters(inner *scope, props *jsonpos.Member, propsPtr, name string) {
	if pl := props.Value.GetMember("parametersLink"); pl != nil {
		plPtr := propsPtr + "/" + schemas.EscapePointer(pl.Key)
		why := ""
		f := w.field(pl, plPtr, "uri")
		switch {
		case IsExpression(pl.Value) && f == nil:
			why = "it is not an object with a uri"
		case f == nil:
			why = "it has no uri"
		default:
			s, bad := linkString(f)
			why = bad
			if why == "" {
				var path string
				if path, why = w.uriTarget(s); why == "" {
					why = w.loadParameters(inner, path)
				}
			}
		}
		if why != "" {
			inner.allUnknown = fmt.Sprintf("deployment '%s' passes its parameters in properties.parametersLink, which patchcheck could not read: %s", model.Clip(name), why)
		}
	}
	outer := w.scope
	passParameters(outer, inner, props.Value, fmt.Sprintf("passed by deployment '%s'", model.Clip(name)))
}

// loadParameters reads a parametersLink's local file into inner, or says
// why it cannot.
func (w *walker) loadParameters(inner *scope, path string) string {
	doc, err := w.links.Load(path)
	if err != nil {
		return err.Error()
	}
	pf, err := NewParameterFile(doc)
	if err != nil {
		return err.Error()
	}
	pf.supply(inner)
	return ""
}

// passParameters gives inner the values of a deployment's
// properties.parameters, evaluated in outer; how says where they come
// from ("passed by …") for the places a finding lists. Parameters written
// as one expression that cannot be resolved leave every parameter of the
// inner template unknown: its defaults may not be the values deployed.
func passParameters(outer, inner *scope, props *jsonpos.Value, how string) {
	pm := props.GetMember("parameters")
	if pm == nil {
		return
	}
	params := pm.Value
	if e, ok := expression(params); ok {
		v, _ := outer.eval(e)
		m, isObject := v.(map[string]any)
		if !isObject {
			reason := "it is not an object"
			if u, unknown := v.(armexpr.Unknown); unknown {
				reason = u.Reason
			}
			inner.allUnknown = fmt.Sprintf("the parameters %s are the unresolved expression %s (%s)", how, model.Clip(e), reason)
			return
		}
		origin := outer.origin(pm.KeyOffset, fmt.Sprintf("parameters %s", how))
		for k, x := range m {
			entry, _ := x.(map[string]any)
			val, ok := entry["value"]
			if !ok {
				val = armexpr.Unknown{Reason: fmt.Sprintf("parameter '%s' %s has no value", k, how)}
			}
			inner.supplied[strings.ToLower(k)] = supplied{value: func() any { return val }, origin: origin}
		}
		return
	}
	if params.Kind != jsonpos.Object {
		return
	}
	for _, m := range params.Members {
		if e, ok := outer.expression(m.Value); ok {
			// Bicep writes a parameter whose value is chosen by a condition
			// as one expression for the whole entry:
			// "[if(c, createObject('value', x), createObject('value', y))]".
			name := m.Key
			inner.supplied[strings.ToLower(name)] = supplied{
				value:  func() any { return passedEntry(outer, e, name, how) },
				origin: outer.origin(m.KeyOffset, fmt.Sprintf("parameter '%s' %s", name, how)),
			}
			continue
		}
		if val := m.Value.GetMember("value"); val != nil {
			inner.supplied[strings.ToLower(m.Key)] = supplied{
				value:  func() any { return outer.resolve(val.Value) },
				origin: outer.origin(val.KeyOffset, fmt.Sprintf("parameter '%s' %s", m.Key, how)),
			}
			continue
		}
		if ref := m.Value.GetMember("reference"); ref != nil {
			name := m.Key
			inner.supplied[strings.ToLower(name)] = supplied{
				value: func() any {
					return armexpr.Unknown{Reason: fmt.Sprintf("parameter '%s' is a Key Vault reference", name)}
				},
				origin: outer.origin(ref.KeyOffset, fmt.Sprintf("parameter '%s' %s", name, how)),
			}
		}
	}
}

// passedEntry is the value of a parameter entry a deployment writes as one
// expression: the "value" of the object it evaluates to.
func passedEntry(outer *scope, expr, name, how string) any {
	v, _ := outer.eval(expr)
	if u, unknown := v.(armexpr.Unknown); unknown {
		return u
	}
	if entry, ok := v.(map[string]any); ok {
		for k, x := range entry {
			switch strings.ToLower(k) {
			case "value":
				return x
			case "reference":
				return armexpr.Unknown{Reason: fmt.Sprintf("parameter '%s' is a Key Vault reference", name)}
			}
		}
	}
	return armexpr.Unknown{Reason: fmt.Sprintf("parameter '%s' %s is the expression %s, which gives no value", name, how, model.Clip(expr))}
}

func resourceType(r *jsonpos.Value) string {
	if t := r.Get("type"); t != nil && t.Kind == jsonpos.String {
		return t.Str
	}
	return ""
}
