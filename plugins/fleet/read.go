package fleet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/policies"
	"github.com/patchcheck/patchcheck/schemas"
)

// The reader. A fleet file is read as JSON, in one pass. The top-level
// members but vms are small: each is decoded into fileTop as it comes and
// kept for the schema. The VMs are streamed: each is decoded into fileVM,
// refusing members fileVM lacks, then judged in Go (fits, shape.go),
// checked for what a schema cannot express (checks.go, regioncheck.go) and
// resolved into the fleet, in the order of the file, while the next ones
// are decoded (scanVMs). The JSON Schema runs on the
// top-level part, and on a VM only when the typed decode or fits refused it
// (or it may hold a null or an empty string, which the typed form reads
// like a member left out): there it explains the problem in the schema's
// words, once the whole file is read. Positions are worked out only for
// the parts an error is about, from the decoder's offsets (a JSON file) or
// taken from the YAML parser (a YAML file).
//
// A VM is judged with the defaults block and the declared regions read so
// far; a file that gives either after its VMs is read a second time, with
// them known from the first.

// strict is how every part of a fleet is decoded: a member the typed form
// lacks is an error, which the schema then explains.
var strict = jsonv2.RejectUnknownMembers(true)

// span is where a value is in the text: text[start:end].
type span struct{ start, end int }

// member is a top-level member: where its key and its value are.
type member struct {
	key int
	val span
}

// errCareful asks for a careful reading (scanVMs).
var errCareful = errors.New("read each VM whole")

// reader holds one fleet file as it is read.
type reader struct {
	doc       *document
	text      []byte                   // the file (a JSON file), or the YAML file written as JSON
	azure     policies.SettingDefaults // what Azure assumes for a setting no VM or default gives
	validator *validator
	careful   bool // read each VM whole, then decode it
	layout

	top     fileTop        // the top-level members but the VMs
	topJSON map[string]any // the same, for the schema
	known   bool           // top and topJSON come from an earlier reading
	late    bool           // defaults or regions came after the VMs

	shapes    shapeMemo
	nulls     next
	empties   next
	names     map[string]int // VM name -> the first VM with it
	spellings *spellings
	regions   *regionChecks
	refused   []refusedVM    // VMs for the schema to explain
	vms       []simulator.VM // the VMs resolved
	errs      Errors
	finished  bool // every VM so far resolved; false once there is an error
}

// Room for the VMs: once the first sampleVMs are read, room is made for
// as many more as the rest of the text holds at their average size, since
// a slice of a million VMs grown by append is copied over and over as it
// grows. The guess never exceeds a VM every minVMText bytes, so that a
// file of a few small VMs and much else reserves little; a guess too small
// is made up by doubling.
const (
	sampleVMs = 1024
	minVMText = 64
)

// refusedVM is a VM Go refused, and why the typed decode did, if it did.
type refusedVM struct {
	vm  int
	why error
}

// jsonDocument is a JSON file's document: its values placed from the text.
func jsonDocument(name string, data []byte) *document {
	return &document{file: name, locs: map[string]located{}, text: &textIndex{data: data}}
}

// read reads text, a fleet as JSON, reporting problems at the places doc
// knows. notJSON tells that errs is the one error of a text that is not
// JSON.
func read(doc *document, text []byte, azure policies.SettingDefaults) (f simulator.Fleet, errs Errors, notJSON bool) {
	v, err := compiled()
	if err != nil {
		return simulator.Fleet{}, Errors{doc.errAt("", "internal error: "+err.Error())}, false
	}
	var r, first *reader
	careful := false
	for {
		r = &reader{doc: doc, text: text, azure: azure, validator: v, careful: careful, layout: layout{members: map[string]member{}}}
		if first != nil {
			// The members are where the first reading found them, the
			// ones after the VMs included.
			r.top, r.topJSON, r.known, r.members = first.top, first.topJSON, true, first.members
		}
		if doc.text != nil {
			doc.text.layout, doc.text.placed = &r.layout, nil
		}
		err = r.scan()
		switch {
		case err == errCareful:
			careful = true
			continue
		case err != nil:
			return simulator.Fleet{}, Errors{r.syntaxError(err)}, true
		case r.late && first == nil:
			first = r
			continue
		}
		break
	}
	r.finish()
	if len(r.errs) > 0 {
		return simulator.Fleet{}, sortErrors(r.errs), false
	}
	f, err = r.fleet()
	if err != nil {
		return simulator.Fleet{}, Errors{doc.errAt("", "internal error: "+err.Error())}, false
	}
	return f, nil, false
}

// scan reads the text once. An error is the text's syntax, or errCareful.
func (r *reader) scan() error {
	// Over a bytes.Buffer the decoder reads the text in place.
	dec := jsontext.NewDecoder(bytes.NewBuffer(r.text), strict)
	r.root.start = tokenStart(r.text, 0)
	if dec.PeekKind() != '{' {
		// Not a mapping: the schema says so, at the root.
		val, err := dec.ReadValue()
		if err != nil {
			return err
		}
		r.root.end = r.root.start + len(val)
		return r.end(dec)
	}
	r.mapping = true
	if !r.known {
		r.topJSON = map[string]any{}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() != '}' {
		key := tokenStart(r.text, int(dec.InputOffset()))
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		name := tok.String()
		start := tokenStart(r.text, int(dec.InputOffset()))
		if name == "vms" && dec.PeekKind() == '[' {
			r.vmsArray = true
			r.members[name] = member{key: key, val: span{start, start}}
			if err := r.scanVMs(dec); err != nil {
				return err
			}
		} else if _, err := dec.ReadValue(); err != nil {
			return err
		}
		m := member{key: key, val: span{start, int(dec.InputOffset())}}
		r.members[name] = m
		if name != "vms" || !r.vmsArray {
			r.readTop(name, m)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	r.root.end = int(dec.InputOffset())
	return r.end(dec)
}

// readTop keeps a top-level member but vms, for the schema and typed.
func (r *reader) readTop(name string, m member) {
	if r.vmsArray && (name == "defaults" || name == "regions") {
		r.late = true
	}
	if r.known {
		return
	}
	ptr := "/" + schemas.EscapePointer(name)
	value, err := r.value(m.val, ptr)
	if err != nil {
		r.errs = append(r.errs, err)
	}
	r.topJSON[name] = value
	if f := fieldNamed(reflect.ValueOf(&r.top).Elem(), name); f.IsValid() {
		decodeLoosely(r.text[m.val.start:m.val.end], f)
	}
}

// end refuses anything after the root value.
func (r *reader) end(dec *jsontext.Decoder) error {
	off := tokenStart(r.text, int(dec.InputOffset()))
	if _, err := dec.ReadToken(); err != io.EOF {
		if err != nil {
			return err
		}
		return &jsontext.SyntacticError{ByteOffset: int64(off), Err: errors.New("a fleet file holds one JSON value; found another after it")}
	}
	return nil
}

// scanVMs streams the vms array in two stages that take turns on batches
// of VMs, each on its own goroutine, so that a second core judges VMs
// while the first decodes the next ones: decodeVMs decodes each VM
// straight from the stream; judgeVM judges it, checks it and resolves it,
// in the order of the file. The decoder cannot go on past a VM the typed
// decode refuses, so then the file is read again carefully (errCareful):
// each VM read whole first, then decoded.
func (r *reader) scanVMs(dec *jsontext.Decoder) error {
	if _, err := dec.ReadToken(); err != nil { // '['
		return err
	}
	r.names = map[string]int{}
	r.spellings = newSpellings()
	r.shapes = shapeMemo{}
	r.nulls, r.empties = next{[]byte("null"), -1}, next{[]byte(`""`), -1}
	r.regions = newRegionChecks(r.doc, r.top.Regions, r.top.Defaults)
	r.finished = true

	// Three batches go round: one being decoded, one being judged, one
	// waiting between them.
	full := make(chan []decodedVM, 3)
	free := make(chan []decodedVM, 3)
	for range 3 {
		free <- make([]decodedVM, 0, batchVMs)
	}
	judged := make(chan struct{})
	go func() {
		defer close(judged)
		i := 0
		for batch := range full {
			for k := range batch {
				r.judgeVM(i, &batch[k])
				i++
			}
			free <- batch[:0]
		}
	}()
	err := r.decodeVMs(dec, full, free)
	close(full)
	<-judged
	if err != nil {
		return err
	}
	_, err = dec.ReadToken() // ']'
	return err
}

// batchVMs is how many VMs the stages of scanVMs hand over at a time.
const batchVMs = 256

// decodedVM is a VM decoded, where it is, and why the typed decode refused
// it, if it did (then as much of it as decodes).
type decodedVM struct {
	vm   fileVM
	span span
	why  error
}

// decodeVMs decodes the VMs into batches from free and hands each, full,
// to full.
func (r *reader) decodeVMs(dec *jsontext.Decoder, full, free chan []decodedVM) error {
	batch := <-free
	for dec.PeekKind() != ']' {
		start := tokenStart(r.text, int(dec.InputOffset()))
		batch = append(batch, decodedVM{})
		d := &batch[len(batch)-1]
		if r.careful {
			val, err := dec.ReadValue()
			if err != nil {
				return err
			}
			if err := jsonv2.Unmarshal(val, &d.vm, strict); err != nil {
				d.why = err
				decodeLoosely(val, reflect.ValueOf(&d.vm).Elem())
			}
		} else if err := jsonv2.UnmarshalDecode(dec, &d.vm); err != nil {
			if isSyntax(err) {
				return err
			}
			return errCareful
		}
		d.span = span{start, int(dec.InputOffset())}
		if len(batch) == cap(batch) {
			full <- batch
			batch = <-free
		}
	}
	if len(batch) > 0 {
		full <- batch
	}
	return nil
}

// judgeVM judges VM i, decoded: in Go, else (later) by the schema; checks
// it; and resolves it while there is no error (a fleet with one is not
// returned).
func (r *reader) judgeVM(i int, d *decodedVM) {
	s := d.span
	if i == sampleVMs {
		r.reserve(s.start)
	}
	r.vmSpans = append(r.vmSpans, s)
	if d.why != nil || !d.vm.fits(r.top.Defaults, r.shapes) || r.nulls.in(r.text, s) || r.empties.in(r.text, s) {
		r.refused = append(r.refused, refusedVM{i, d.why})
	}
	zone := r.checkVM(i, &d.vm)
	if r.finished = r.finished && len(r.errs) == 0 && d.why == nil && zone != ""; r.finished {
		if len(r.vms) == cap(r.vms) {
			r.vms = slices.Grow(r.vms, len(r.vms))
		}
		r.vms = append(r.vms, simulator.VM{})
		resolveVM(&r.vms[i], &d.vm, r.top.Defaults, zone, r.azure)
	}
}

// reserve makes room for the VMs after the sample, which ends at offset
// end (see sampleVMs).
func (r *reader) reserve(end int) {
	perVM := max((end-r.vmSpans[0].start)/len(r.vmSpans), minVMText)
	more := (len(r.text) - end) / perVM
	more += more / 64
	r.vmSpans = slices.Grow(r.vmSpans, more)
	r.vms = slices.Grow(r.vms, more)
	names := make(map[string]int, len(r.names)+more)
	maps.Copy(names, r.names)
	r.names = names
}

// next finds a piece of text ahead, once for the whole file rather than
// once a VM: the nulls and the empty strings, which the typed form reads
// like members left out. (Either may also be in a string, as in
// "nullable": the schema then finds nothing wrong.)
type next struct {
	text []byte
	at   int // where it is next, at or after the last place looked from; -1 before the first look
}

// in reports whether the text at s holds it.
func (n *next) in(text []byte, s span) bool {
	if n.at < s.start {
		i := bytes.Index(text[s.start:], n.text)
		n.at = len(text)
		if i >= 0 {
			n.at = s.start + i
		}
	}
	return n.at+len(n.text) <= s.end
}

func isSyntax(err error) bool {
	var se *jsontext.SyntacticError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// syntaxError places an error of the text's syntax.
func (r *reader) syntaxError(err error) *Error {
	off := len(r.text)
	ptr := ""
	msg := err.Error()
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		off, ptr, msg = int(se.ByteOffset), string(se.JSONPointer), se.Err.Error()
		if errors.Is(se.Err, io.ErrUnexpectedEOF) {
			msg = "the file ends in the middle of a value"
		}
	}
	e := &Error{File: r.doc.file, Field: fieldOf(ptr), Message: "not valid JSON: " + msg}
	if r.doc.text != nil {
		p := r.doc.text.pos(off)
		e.Line, e.Column = p.Line, p.Column
	} else {
		// Text written from a YAML document has no errors of syntax.
		p := r.doc.locate(ptr).at()
		e.Line, e.Column = p.Line, p.Column
	}
	return e
}

// finish judges what the VMs could not be judged for as they came: the
// top-level part against the schema (with no VMs: each was judged alone),
// the VMs Go refused against the schema, the checks of the top-level part
// and the plan against the VMs' regions.
func (r *reader) finish() {
	if !r.mapping {
		value, err := r.value(r.root, "")
		if err != nil {
			r.errs = append(r.errs, err)
			return
		}
		r.errs = append(r.errs, r.validator.validate(r.doc, value, nil)...)
		return
	}
	top := r.topJSON
	if r.vmsArray {
		// The list only has to be a list with something in it here.
		top = map[string]any{"vms": []any{}}
		for k, v := range r.topJSON {
			top[k] = v
		}
	}
	keep := func(ptr string) (string, bool) { return ptr, ptr != "/vms" || len(r.vmSpans) == 0 }
	r.errs = append(r.errs, r.validator.validate(r.doc, top, keep)...)
	for _, v := range r.refused {
		r.explainVM(v)
	}
	r.errs = append(r.errs, r.checkTop()...)
}

// explainVM validates VM v against the schema, as the only VM of a file
// with the file's defaults, and explains what fails at the VM's place.
func (r *reader) explainVM(v refusedVM) {
	ptr := "/vms/" + strconv.Itoa(v.vm)
	value, err := r.value(r.vmSpans[v.vm], ptr)
	if err != nil {
		r.errs = append(r.errs, err)
		return
	}
	alone := map[string]any{"vms": []any{value}}
	if d, ok := r.topJSON["defaults"]; ok {
		alone["defaults"] = d
	}
	// The schema sees the VM as vms[0]; errors name it vms[i].
	rename := func(p string) (string, bool) {
		rest, ok := cutPointer(p, "/vms/0")
		return ptr + rest, ok
	}
	found := r.validator.validate(r.doc, alone, rename)
	r.errs = append(r.errs, found...)
	if v.why != nil && len(found) == 0 {
		r.errs = append(r.errs, r.doc.errAt(ptr, "cannot read this VM: "+v.why.Error()))
	}
}

// fleet is the fleet read, with defaults applied.
func (r *reader) fleet() (simulator.Fleet, error) {
	if !r.finished || len(r.vms) != len(r.vmSpans) {
		return simulator.Fleet{}, errors.New("a VM was not resolved, yet no problem was found")
	}
	f, err := build(&r.top)
	f.VMs = r.vms
	return f, err
}

// cutPointer returns the rest of pointer p under prefix, if it is there.
func cutPointer(p, prefix string) (string, bool) {
	if p == prefix {
		return "", true
	}
	if len(p) > len(prefix) && p[:len(prefix)] == prefix && p[len(prefix)] == '/' {
		return p[len(prefix):], true
	}
	return "", false
}

// value reads the JSON value at s as the schema validator takes it
// (numbers as json.Number), refusing nesting beyond maxDepth.
func (r *reader) value(s span, ptr string) (any, *Error) {
	dec := jsontext.NewDecoder(bytes.NewReader(r.text[s.start:s.end]))
	v, err := plainValue(dec, 0)
	if err != nil {
		return nil, r.doc.errAt(ptr, err.Error())
	}
	return v, nil
}

func plainValue(dec *jsontext.Decoder, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested more than %d levels deep", maxDepth)
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case '{':
		out := map[string]any{}
		for dec.PeekKind() != '}' {
			tok, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			name := tok.String()
			v, err := plainValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			out[name] = v
		}
		_, err := dec.ReadToken()
		return out, err
	case '[':
		out := []any{}
		for dec.PeekKind() != ']' {
			v, err := plainValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		_, err := dec.ReadToken()
		return out, err
	case '0':
		return json.Number(tok.String()), nil
	case '"':
		return tok.String(), nil
	case 't', 'f':
		return tok.Bool(), nil
	}
	return nil, nil
}

// decodeLoosely decodes what it can of text into target (addressable): a
// member or item of the wrong shape is left at its zero value, which the
// checks pass over. The schema reports those; the checks read the rest.
func decodeLoosely(text []byte, target reflect.Value) {
	if jsonv2.Unmarshal(text, target.Addr().Interface(), strict) == nil {
		return
	}
	target.SetZero()
	dec := jsontext.NewDecoder(bytes.NewReader(text))
	switch target.Kind() {
	case reflect.Pointer:
		if dec.PeekKind() == '{' {
			target.Set(reflect.New(target.Type().Elem()))
			decodeLoosely(text, target.Elem())
		}
	case reflect.Struct:
		if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
			return
		}
		for dec.PeekKind() == '"' {
			tok, err := dec.ReadToken()
			if err != nil {
				return
			}
			f := fieldNamed(target, tok.String())
			val, err := dec.ReadValue()
			if err != nil {
				return
			}
			if f.IsValid() {
				decodeLoosely(val, f)
			}
		}
	case reflect.Slice:
		if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '[' {
			return
		}
		for dec.PeekKind() != ']' {
			val, err := dec.ReadValue()
			if err != nil {
				return
			}
			item := reflect.New(target.Type().Elem()).Elem()
			decodeLoosely(val, item)
			target.Set(reflect.Append(target, item))
		}
	}
}

// fieldNamed is the field of struct v that the JSON member name decodes into.
func fieldNamed(v reflect.Value, name string) reflect.Value {
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); f.IsExported() && tag != "" && tag == name {
			return v.Field(i)
		}
	}
	return reflect.Value{}
}
