package main

import (
	"strconv"
)

// A tiny ordered JSON model. encoding/json sorts map keys, which would give
// unrealistic templates, and it cannot emit comments; this writer does both
// and is deterministic.

type field struct {
	k     string
	v     any
	lead  string // comment written on its own line before the field ("" = none)
	trail string // comment written at the end of the field's line ("" = none)
	block bool   // lead is written as /* ... */ instead of //
}

// Obj is a JSON object that keeps insertion order.
type Obj struct{ f []field }

// Arr is a JSON array.
type Arr struct{ a []any }

// commented wraps an array element that gets a leading line comment.
type commented struct {
	lead string
	v    any
}

func obj() *Obj { return &Obj{} }

func arr(vs ...any) *Arr { return &Arr{a: vs} }

func (o *Obj) set(k string, v any) *Obj {
	o.f = append(o.f, field{k: k, v: v})
	return o
}

func (o *Obj) has(k string) bool {
	for _, f := range o.f {
		if f.k == k {
			return true
		}
	}
	return false
}

func (o *Obj) get(k string) any {
	for _, f := range o.f {
		if f.k == k {
			return f.v
		}
	}
	return nil
}

func (o *Obj) len() int { return len(o.f) }

// comment attaches a leading comment to the most recently set field.
func (o *Obj) comment(c string) *Obj {
	if len(o.f) > 0 {
		o.f[len(o.f)-1].lead = c
	}
	return o
}

// trailing attaches a trailing comment to the most recently set field.
func (o *Obj) trailing(c string) *Obj {
	if len(o.f) > 0 {
		o.f[len(o.f)-1].trail = c
	}
	return o
}

func (a *Arr) add(vs ...any) *Arr {
	a.a = append(a.a, vs...)
	return a
}

// style controls the textual layout of a rendered file.
type style struct {
	indent string // "" means compact (no whitespace at all)
	nl     string // "\n" or "\r\n"
}

type writer struct {
	b []byte
	s style
}

func (w *writer) newline(depth int) {
	if w.s.indent == "" {
		return
	}
	w.b = append(w.b, w.s.nl...)
	for i := 0; i < depth; i++ {
		w.b = append(w.b, w.s.indent...)
	}
}

func (w *writer) sep() {
	if w.s.indent != "" {
		w.b = append(w.b, ' ')
	}
}

func (w *writer) leadComment(c string, block bool, depth int) {
	if c == "" || w.s.indent == "" {
		return
	}
	w.newline(depth)
	if block {
		w.b = append(w.b, "/* "...)
		w.b = append(w.b, c...)
		w.b = append(w.b, " */"...)
		return
	}
	w.b = append(w.b, "// "...)
	w.b = append(w.b, c...)
}

func (w *writer) trailComment(c string) {
	if c == "" || w.s.indent == "" {
		return
	}
	w.b = append(w.b, " // "...)
	w.b = append(w.b, c...)
}

func (w *writer) value(v any, depth int) {
	switch x := v.(type) {
	case nil:
		w.b = append(w.b, "null"...)
	case string:
		w.b = appendString(w.b, x)
	case bool:
		w.b = strconv.AppendBool(w.b, x)
	case int:
		w.b = strconv.AppendInt(w.b, int64(x), 10)
	case int64:
		w.b = strconv.AppendInt(w.b, x, 10)
	case float64:
		w.b = strconv.AppendFloat(w.b, x, 'f', -1, 64)
	case *Obj:
		if len(x.f) == 0 {
			w.b = append(w.b, "{}"...)
			return
		}
		w.b = append(w.b, '{')
		for i, f := range x.f {
			w.leadComment(f.lead, f.block, depth+1)
			w.newline(depth + 1)
			w.b = appendString(w.b, f.k)
			w.b = append(w.b, ':')
			w.sep()
			w.value(f.v, depth+1)
			if i < len(x.f)-1 {
				w.b = append(w.b, ',')
			}
			w.trailComment(f.trail)
		}
		w.newline(depth)
		w.b = append(w.b, '}')
	case *Arr:
		if len(x.a) == 0 {
			w.b = append(w.b, "[]"...)
			return
		}
		w.b = append(w.b, '[')
		for i, e := range x.a {
			if c, ok := e.(commented); ok {
				w.leadComment(c.lead, false, depth+1)
				e = c.v
			}
			w.newline(depth + 1)
			w.value(e, depth+1)
			if i < len(x.a)-1 {
				w.b = append(w.b, ',')
			}
		}
		w.newline(depth)
		w.b = append(w.b, ']')
	default:
		panic("benchcorpus: unsupported value type")
	}
}

func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}

// render returns the document as bytes, ending with a newline (unless compact).
func render(v any, s style) []byte {
	w := &writer{s: s, b: make([]byte, 0, 16<<10)}
	w.value(v, 0)
	if s.indent != "" {
		w.b = append(w.b, s.nl...)
	}
	return w.b
}

// renderedLen estimates the number of bytes v adds when placed at depth.
func renderedLen(v any, s style, depth int) int {
	w := &writer{s: s}
	w.value(v, depth)
	return len(w.b) + len(s.nl) + depth*len(s.indent) + 2
}
