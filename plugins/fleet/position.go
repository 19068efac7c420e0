package fleet

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/goccy/go-yaml/ast"

	"github.com/patchcheck/patchcheck/schemas"
)

// pos is a 1-based line and column; the zero pos means unknown.
type pos struct{ Line, Column int }

// located records where a value sits in the file.
type located struct {
	key pos // the member's key; zero for sequence items and the root
	val pos // the value itself
}

// at is the best position for an error about the value: the value, else its key.
func (l located) at() pos {
	if l.val.Line > 0 {
		return l.val
	}
	return l.key
}

// document says where the values of a fleet file are, by JSON pointer, to
// place errors. A value is placed only when an error is about it: in a
// JSON file from the decoder's offsets (text), in a YAML file from the
// parser's tree.
type document struct {
	file string
	locs map[string]located // the values of a JSON file placed so far
	text *textIndex
	tree ast.Node // a YAML file's
}

// locate returns the position of the value at ptr, falling back to the
// nearest ancestor that has one (values reached through a YAML alias are
// placed at the alias).
func (d *document) locate(ptr string) located {
	if d.tree != nil {
		return locateYAML(d.tree, schemas.SplitPointer(ptr))
	}
	if d.text != nil {
		d.text.place(d, ptr)
	}
	for p := ptr; ; {
		if l, ok := d.locs[p]; ok {
			return l
		}
		if p == "" {
			return located{val: pos{1, 1}}
		}
		p = p[:strings.LastIndexByte(p, '/')]
	}
}

// errAt builds an Error for the value at ptr.
func (d *document) errAt(ptr, msg string) *Error {
	p := d.locate(ptr).at()
	return &Error{File: d.file, Line: p.Line, Column: p.Column, Field: fieldOf(ptr), Message: msg}
}

// errAtKey builds an Error pointing at the key of the member at ptr.
func (d *document) errAtKey(ptr, msg string) *Error {
	l := d.locate(ptr)
	p := l.key
	if p.Line == 0 {
		p = l.at()
	}
	return &Error{File: d.file, Line: p.Line, Column: p.Column, Field: fieldOf(ptr), Message: msg}
}

// textIndex places the values of a JSON file from the offsets the reader
// noted: a top-level member, or one VM, is walked when an error needs a
// place in it.
type textIndex struct {
	data   []byte
	lines  []int // offsets at which lines start, made on first use
	layout *layout
	placed map[string]bool // pointers walked already
}

// layout is where the reader found the parts of a JSON file.
type layout struct {
	root     span
	mapping  bool              // the root is an object
	members  map[string]member // its members
	vmsArray bool              // vms is an array, its VMs at vmSpans
	vmSpans  []span
}

// place indexes the top-level member, or the VM, that ptr is in.
func (t *textIndex) place(d *document, ptr string) {
	lay := t.layout
	segs := schemas.SplitPointer(ptr)
	if !lay.mapping || len(segs) == 0 {
		if !lay.mapping {
			t.walk(d, "", lay.root, -1)
		} else if _, ok := d.locs[""]; !ok {
			d.locs[""] = located{val: t.pos(lay.root.start)}
		}
		return
	}
	m, ok := lay.members[segs[0]]
	if !ok {
		return
	}
	top := "/" + schemas.EscapePointer(segs[0])
	if segs[0] == "vms" && lay.vmsArray {
		if _, ok := d.locs[top]; !ok {
			d.locs[top] = located{key: t.pos(m.key), val: t.pos(m.val.start)}
		}
		if len(segs) > 1 {
			if i, err := strconv.Atoi(segs[1]); err == nil && i >= 0 && i < len(lay.vmSpans) {
				t.walk(d, top+"/"+segs[1], lay.vmSpans[i], -1)
			}
		}
		return
	}
	t.walk(d, top, m.val, m.key)
}

// walk indexes the value at s, and everything in it, under ptr; key is the
// offset of its member's key, or -1.
func (t *textIndex) walk(d *document, ptr string, s span, key int) {
	if t.placed == nil {
		t.placed = map[string]bool{}
	}
	if t.placed[ptr] {
		return
	}
	t.placed[ptr] = true
	l := located{val: t.pos(s.start)}
	if key >= 0 {
		l.key = t.pos(key)
	}
	d.locs[ptr] = l
	dec := jsontext.NewDecoder(bytes.NewReader(t.data[s.start:s.end]))
	var walkValue func(ptr string) bool
	walkValue = func(ptr string) bool {
		tok, err := dec.ReadToken()
		if err != nil {
			return false
		}
		switch tok.Kind() {
		case '{':
			for dec.PeekKind() == '"' {
				keyAt := t.pos(s.start + tokenStart(t.data[s.start:s.end], int(dec.InputOffset())))
				name, err := dec.ReadToken()
				if err != nil {
					return false
				}
				child := ptr + "/" + schemas.EscapePointer(name.String())
				d.locs[child] = located{key: keyAt, val: t.pos(s.start + tokenStart(t.data[s.start:s.end], int(dec.InputOffset())))}
				if !walkValue(child) {
					return false
				}
			}
			_, err = dec.ReadToken()
		case '[':
			for i := 0; dec.PeekKind() != ']'; i++ {
				child := ptr + "/" + strconv.Itoa(i)
				d.locs[child] = located{val: t.pos(s.start + tokenStart(t.data[s.start:s.end], int(dec.InputOffset())))}
				if !walkValue(child) {
					return false
				}
			}
			_, err = dec.ReadToken()
		}
		return err == nil
	}
	walkValue(ptr)
}

// pos converts a byte offset into a line and column: lines end at LF,
// CRLF or a lone CR, and columns count code points, as YAML counts them.
func (t *textIndex) pos(off int) pos {
	if t.lines == nil {
		t.lines = []int{0}
		for i, c := range t.data {
			if c == '\n' || c == '\r' && (i+1 == len(t.data) || t.data[i+1] != '\n') {
				t.lines = append(t.lines, i+1)
			}
		}
	}
	off = min(max(off, 0), len(t.data))
	l := sort.SearchInts(t.lines, off+1) - 1
	return pos{l + 1, 1 + utf8.RuneCount(t.data[t.lines[l]:off])}
}

// tokenStart skips what separates JSON tokens from off: white space, commas
// and colons.
func tokenStart(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// isIdentifier reports whether a key can follow a dot in a field name.
func isIdentifier(s string) bool {
	for i, r := range s {
		switch {
		case r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z':
		case i > 0 && (r == '-' || '0' <= r && r <= '9'):
		default:
			return false
		}
	}
	return s != ""
}

// fieldOf renders a JSON pointer the way errors name fields: numeric
// segments become [i], names become .name (or ["odd name"]).
func fieldOf(ptr string) string {
	if ptr == "" {
		return ""
	}
	var b strings.Builder
	for _, seg := range schemas.SplitPointer(ptr) {
		b.WriteString(fieldSegment(b.Len() == 0, seg))
	}
	return b.String()
}

func fieldSegment(first bool, seg string) string {
	if _, err := strconv.Atoi(seg); err == nil && seg != "" && seg[0] != '-' && seg[0] != '+' {
		return "[" + seg + "]"
	}
	if isIdentifier(seg) {
		if first {
			return seg
		}
		return "." + seg
	}
	return "[" + strconv.Quote(seg) + "]"
}

func looksLikeJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}
