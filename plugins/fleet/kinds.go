package fleet

import (
	"bytes"
	"hash/maphash"
	"io"
	"slices"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// loadByKind loads a large JSON fleet file by reading each kind of VM once.
// A fleet of a million VMs repeats a few hundred settings under a million
// names; reading every VM into a generic document, validating it and
// decoding it took 15 s. Here each VM is only split from the file and cut
// around its name: VMs whose text is identical but for the name's value
// are one kind. A document with the file's other members and one VM of each
// kind goes through the ordinary path (parse, schema, checks, build), and
// every VM of a kind becomes a copy of that kind's VM under its own name.
//
// This is exact because nothing the schema or the checks ask of a VM
// depends on another VM or on its name, except that a name is a non-empty
// string (checked here on every VM) and names are unique (checked here
// over all of them); TestVMsAreJudgedAlone guards those premises and
// TestLoadByKindMatchesLoad compares the two paths. ok is false for
// anything else, a file with any problem included: Load then reads it the
// ordinary way, which explains each problem at its line.
func loadByKind(name string, data []byte) (f simulator.Fleet, ok bool) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	isJSON := looksLikeJSON(data)
	var split kindSplit
	if isJSON {
		split, ok = splitJSONKinds(data)
	} else {
		split, ok = splitYAMLKinds(data)
	}
	if !ok {
		return simulator.Fleet{}, false
	}
	doc, errs := parse(name, split.document, false)
	if len(errs) > 0 || isJSON && doc.json == nil {
		return simulator.Fleet{}, false // a JSON file the fast reader cannot read exactly, say
	}
	v, err := compiled()
	if err != nil || len(v.validate(doc)) > 0 || len(check(doc)) > 0 {
		return simulator.Fleet{}, false
	}
	kinds, err := build(doc)
	if err != nil {
		return simulator.Fleet{}, false
	}
	f = kinds
	f.VMs = make([]simulator.VM, len(split.kindOf))
	for i, k := range split.kindOf {
		vm := kinds.VMs[k]
		vm.Name = split.names[i]
		vm.PowerSchedule = clonePowerSchedule(vm.PowerSchedule)
		vm.PowerOff = slices.Clone(vm.PowerOff)
		f.VMs[i] = vm
	}
	return f, true
}

// kindSplit is a fleet file split into kinds of VM.
type kindSplit struct {
	document []byte   // the file with only the first VM of each kind, in order
	kindOf   []int    // VM index -> kind
	names    []string // VM index -> name
}

// uniqueNames cuts the names written end to end in text at ends, and
// reports whether they are all different.
func uniqueNames(text []byte, ends []int) ([]string, bool) {
	all := string(text)
	names := make([]string, len(ends))
	seen := make(map[string]struct{}, len(ends))
	from := 0
	for i, end := range ends {
		name := all[from:end]
		if _, dup := seen[name]; dup {
			return nil, false // the ordinary path reports where both are
		}
		seen[name] = struct{}{}
		names[i] = name
		from = end
	}
	return names, true
}

// clonePowerSchedule copies a schedule so that no two VMs share one: the
// fleet's VMs are independent values, as the ordinary path makes them.
func clonePowerSchedule(s []simulator.PowerWindow) []simulator.PowerWindow {
	if s == nil {
		return nil
	}
	out := slices.Clone(s)
	for i := range out {
		out[i].Days = slices.Clone(out[i].Days)
	}
	return out
}

// splitFleet is a JSON fleet file split into its top-level members and the
// kinds of its VMs.
type splitFleet struct {
	members [][]byte // each `"name":value` of the root but vms, in order, vms as nil
	kinds   [][]byte // the text of the first VM of each kind, in the file's data
	kindOf  []int    // VM index -> kind
	names   []string // VM index -> name
}

// document is the fleet file with one VM of each kind.
func (s *splitFleet) document() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range s.members {
		if i > 0 {
			b.WriteByte(',')
		}
		if m != nil {
			b.Write(m)
			continue
		}
		b.WriteString(`"vms":[`)
		b.Write(bytes.Join(s.kinds, []byte{','}))
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.Bytes()
}

// splitJSONKinds splits a JSON fleet file by kind of VM.
func splitJSONKinds(data []byte) (kindSplit, bool) {
	s, ok := splitVMs(data)
	if !ok {
		return kindSplit{}, false
	}
	return kindSplit{document: s.document(), kindOf: s.kindOf, names: s.names}, true
}

// splitVMs splits a JSON fleet file whose root is an object with a vms
// array of objects, each with a non-empty string name, unique. ok is false
// for anything else.
func splitVMs(data []byte) (s splitFleet, ok bool) {
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return s, false
	}
	sawVMs := false
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return s, false
		}
		member := tok.String()
		if member == "vms" {
			if sawVMs || !s.readVMs(dec, data) {
				return s, false
			}
			sawVMs = true
			s.members = append(s.members, nil)
			continue
		}
		val, err := dec.ReadValue()
		if err != nil {
			return s, false
		}
		m, err := jsontext.AppendQuote(nil, member)
		if err != nil {
			return s, false
		}
		s.members = append(s.members, append(append(m, ':'), val...))
	}
	if _, err := dec.ReadToken(); err != nil { // the root's '}'
		return s, false
	}
	if _, err := dec.ReadToken(); err != io.EOF || !sawVMs {
		return s, false
	}
	return s, true
}

// readVMs reads the vms array, sorting its VMs into kinds. A kind is
// found by a hash of its text around the name and confirmed by comparing
// that text, so no VM's text is copied: a kind's text is a slice of data.
func (s *splitFleet) readVMs(dec *jsontext.Decoder, data []byte) (ok bool) {
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '[' {
		return false
	}
	kinds := newKindTable()
	var nameText []byte // every name, end to end, made one string at the end
	var nameEnds []int
	for dec.PeekKind() != ']' {
		vm, err := dec.ReadValue()
		if err != nil || vm.Kind() != '{' {
			return false
		}
		// vm is the decoder's copy; the same bytes end where it stopped.
		end := int(dec.InputOffset())
		text := data[end-len(vm) : end]
		if !bytes.Equal(text, vm) {
			return false
		}
		start, stop, ok := nameValue(text)
		if !ok {
			return false
		}
		name := text[start+1 : stop-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			unquoted, err := jsontext.AppendUnquote(nil, text[start:stop])
			if err != nil {
				return false
			}
			name = unquoted
		}
		if len(name) == 0 {
			return false // the ordinary path reports the empty name
		}
		nameText = append(nameText, name...)
		nameEnds = append(nameEnds, len(nameText))

		k, isNew := kinds.kindOf(text, start, stop)
		if isNew {
			s.kinds = append(s.kinds, text)
		}
		s.kindOf = append(s.kindOf, k)
	}
	if _, err := dec.ReadToken(); err != nil { // ']'
		return false
	}
	s.names, ok = uniqueNames(nameText, nameEnds)
	return ok
}

// kindTable tells the kinds of VM apart by their text around the name's
// value: found by a hash of it, confirmed by comparing it.
type kindTable struct {
	kinds  []kindText
	byHash map[uint64]int // hash -> the last kind with it
	hash   func(before, after []byte) uint64
}

type kindText struct {
	text       []byte
	start, end int // the name's value in text
	next       int // an earlier kind with the same hash, or -1
}

func newKindTable() *kindTable {
	seed := maphash.MakeSeed()
	return &kindTable{byHash: map[uint64]int{}, hash: func(before, after []byte) uint64 {
		var h maphash.Hash
		h.SetSeed(seed)
		h.Write(before)
		h.WriteByte(0) // no byte 0 occurs in JSON text: the cut is unambiguous
		h.Write(after)
		return h.Sum64()
	}}
}

// kindOf returns the kind of the VM whose text is text, with its name's
// value at text[start:end], and whether it is a kind not seen before.
func (t *kindTable) kindOf(text []byte, start, end int) (k int, isNew bool) {
	sum := t.hash(text[:start], text[end:])
	last, known := t.byHash[sum]
	for k := last; known && k >= 0; k = t.kinds[k].next {
		c := &t.kinds[k]
		if bytes.Equal(c.text[:c.start], text[:start]) && bytes.Equal(c.text[c.end:], text[end:]) {
			return k, false
		}
	}
	if !known {
		last = -1
	}
	t.kinds = append(t.kinds, kindText{text: text, start: start, end: end, next: last})
	t.byHash[sum] = len(t.kinds) - 1
	return len(t.kinds) - 1, true
}

// nameValue finds the value of the "name" member of a JSON object's text,
// which jsontext has read, so it is valid JSON with no duplicate member. ok
// is false when there is no such member or its value is not a string.
// The member's key must be written "name", without escapes; a file that
// escapes it takes the ordinary path.
func nameValue(obj []byte) (start, end int, ok bool) {
	depth := 0
	for i := 0; i < len(obj); i++ {
		switch obj[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case '"':
			j := stringEnd(obj, i)
			if depth == 1 && string(obj[i:j]) == `"name"` {
				k := skipSpace(obj, j)
				if k < len(obj) && obj[k] == ':' {
					v := skipSpace(obj, k+1)
					if v >= len(obj) || obj[v] != '"' {
						return 0, 0, false
					}
					return v, stringEnd(obj, v), true
				}
			}
			i = j - 1
		}
	}
	return 0, 0, false
}

// stringEnd returns the offset just past the string that starts at i.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
