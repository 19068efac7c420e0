package jsonpos

import (
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxDepth is the maximum nesting depth of objects and arrays accepted by
// Parse. Deeper input yields a SyntaxError rather than exhausting the stack.
const MaxDepth = 2000

// Document is a parsed JSON file.
type Document struct {
	Name string // file name used in error messages
	Root *Value

	src string // the source; Offsets index into it

	// lineStarts holds the byte offset of the start of each line, with
	// lineStarts[0] after the BOM. It is computed on the first call to
	// Position, as most documents never need it.
	linesOnce  sync.Once
	lineStarts []int
}

// Source returns the source text the document was parsed from. Offsets in
// the document's values index into it.
func (d *Document) Source() string { return d.src }

// Position converts a byte offset into a 1-based line and a 1-based column,
// where the column counts Unicode code points from the start of the line
// (each invalid UTF-8 byte counts as one). Lines are terminated by "\n", so
// "\r\n" is a single line break. A leading BOM is not counted as a column.
// Offsets outside the source are clamped to it.
func (d *Document) Position(offset int) (line, col int) {
	if offset < 0 {
		offset = 0
	}
	if offset > len(d.src) {
		offset = len(d.src)
	}
	d.linesOnce.Do(d.computeLines)
	ls := d.lineStarts
	// Find the last line start <= offset.
	lo, hi := 0, len(ls)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ls[m] <= offset {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 { // inside the BOM
		return 1, 1
	}
	start := ls[lo-1]
	return lo, utf8.RuneCountInString(d.src[start:offset]) + 1
}

// Offset is the byte offset of a 1-based line and column as Position
// gives them (columns in code points, each invalid byte one), or false
// when the source has no such place.
func (d *Document) Offset(line, col int) (int, bool) {
	d.linesOnce.Do(d.computeLines)
	if line < 1 || line > len(d.lineStarts) || col < 1 {
		return 0, false
	}
	off := d.lineStarts[line-1]
	for c := 1; c < col; c++ {
		if off >= len(d.src) || d.src[off] == '\n' {
			return 0, false
		}
		_, size := utf8.DecodeRuneInString(d.src[off:])
		off += size
	}
	return off, off < len(d.src)
}

func (d *Document) computeLines() {
	src := d.src
	ls := make([]int, 1, strings.Count(src, "\n")+1)
	ls[0] = bomLen(src)
	for off := 0; ; {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
		ls = append(ls, off)
	}
	d.lineStarts = ls
}

func bomLen(s string) int {
	if strings.HasPrefix(s, "\uFEFF") {
		return len("\uFEFF")
	}
	return 0
}

// Parse parses src, which holds JSON as accepted by Azure Resource Manager:
// standard JSON plus "//" and "/* */" comments wherever whitespace may
// appear, an optional UTF-8 byte order mark, trailing commas before '}'
// and ']', and line breaks and tabs written as they are inside strings.
// name is used in error messages. On failure the error is a *SyntaxError.
//
// Invalid UTF-8 inside strings is replaced by U+FFFD, as encoding/json does.
// Parse copies src once; the returned document does not retain src.
func Parse(name string, src []byte) (*Document, error) {
	return new(Parser).Parse(name, src)
}

// Parser parses documents one after another and reuses its memory for each:
// a Document it returns (and every Value in it) is valid only until the next
// call of Parse on the same Parser. Strings taken from a document stay valid.
// A linter checking thousands of files keeps one Parser per worker, so the
// value arena is allocated once instead of once per file. Not safe for
// concurrent use.
type Parser struct {
	vals  []Value
	mems  []Member
	items []*Value
}

// Parse is like the package-level Parse but reuses p's memory.
func (pp *Parser) Parse(name string, src []byte) (*Document, error) {
	s := string(src) // the one copy; strings without escapes are substrings of it
	p := &parser{s: s, pos: bomLen(s), vals: pp.vals[:0], mems: pp.mems[:0], items: pp.items[:0]}
	defer func() {
		// Keep the last (largest) chunk of each arena for the next document.
		pp.vals, pp.mems, pp.items = p.vals, p.mems, p.items
	}()
	p.mstack = p.mstackBuf[:0]
	p.istack = p.istackBuf[:0]
	if utf8.ValidString(s) {
		p.safe = &strSafeValid
	} else {
		p.safe = &strSafeASCII
	}
	root := p.parseRoot()
	d := &Document{Name: name, Root: root, src: s}
	if root == nil {
		e := p.err
		e.File = name
		e.Line, e.Column = d.Position(e.Offset)
		return nil, e
	}
	return d, nil
}

func clamp(n, lo, hi int) int {
	return max(lo, min(n, hi))
}

type parser struct {
	s     string
	pos   int
	depth int
	safe  *[256]bool // bytes that may appear unescaped in a string without further checks
	err   *SyntaxError

	// Arenas handing out Values, Member slices and item slices, and the
	// number of elements handed out from each so far.
	vals                 []Value
	mems                 []Member
	items                []*Value
	nvals, nmems, nitems int

	// Scratch stacks for members/items of the objects/arrays being parsed.
	mstack []Member
	istack []*Value
	buf    []byte // scratch for strings with escapes

	// Initial storage for the scratch stacks, enough for typical documents.
	mstackBuf [64]Member
	istackBuf [64]*Value
}

// strSafeValid marks bytes that need no attention inside a string when the
// whole input is valid UTF-8; strSafeASCII additionally flags all non-ASCII
// bytes so they get validated.
var strSafeValid, strSafeASCII = func() (v, a [256]bool) {
	for c := 0x20; c < 256; c++ {
		if c == '"' || c == '\\' {
			continue
		}
		v[c] = true
		a[c] = c < utf8.RuneSelf
	}
	return
}()

func (p *parser) newValue(k Kind, off int) *Value {
	if len(p.vals) == cap(p.vals) {
		p.vals = make([]Value, 0, p.chunkSize(p.nvals, 1, valsPerKB))
	}
	n := len(p.vals)
	p.vals = p.vals[:n+1]
	p.nvals++
	v := &p.vals[n]
	*v = Value{Kind: k, Offset: off} // the arena may hold a previous document's values
	return v
}

func (p *parser) allocMembers(n int) []Member {
	if cap(p.mems)-len(p.mems) < n {
		p.mems = make([]Member, 0, p.chunkSize(p.nmems, n, membersPerKB))
	}
	p.nmems += n
	l := len(p.mems)
	p.mems = p.mems[:l+n]
	return p.mems[l : l+n : l+n]
}

func (p *parser) allocItems(n int) []*Value {
	if cap(p.items)-len(p.items) < n {
		p.items = make([]*Value, 0, p.chunkSize(p.nitems, n, itemsPerKB))
	}
	p.nitems += n
	l := len(p.items)
	p.items = p.items[:l+n]
	return p.items[l : l+n : l+n]
}

// Typical densities of pretty-printed ARM templates, used to size the first
// arena chunk of each kind.
const (
	valsPerKB    = 28
	membersPerKB = 21
	itemsPerKB   = 4
)

// chunkSize returns the capacity of the next arena chunk, given that used
// elements have been handed out so far and need more are wanted now. The first chunk
// is sized from the input length; later ones extrapolate the density seen
// so far to the rest of the input, so a typical document needs one or two
// chunks and the waste stays small.
func (p *parser) chunkSize(used, need, perKB int) int {
	var n int
	if used == 0 {
		n = len(p.s) * perKB / 1024
	} else {
		rest := len(p.s) - p.pos
		n = used * rest / max(p.pos, 1)
		n += n / 8
	}
	return max(need, clamp(n, 16, 16384))
}

// fail records an error at off and returns nil for convenient use.
func (p *parser) fail(off int, msg string) *Value {
	p.err = &SyntaxError{Offset: off, Msg: msg}
	return nil
}

// expected reports that what was expected at p.pos and says what was found.
func (p *parser) expected(what string) *Value {
	if p.pos >= len(p.s) {
		return p.fail(p.pos, "unexpected end of input: expected "+what)
	}
	return p.fail(p.pos, "expected "+what+", found "+p.describe(p.pos))
}

// describe renders the character at off for error messages.
func (p *parser) describe(off int) string {
	if off >= len(p.s) {
		return "end of input"
	}
	r, size := utf8.DecodeRuneInString(p.s[off:])
	if r == utf8.RuneError && size <= 1 {
		return "byte 0x" + strconv.FormatUint(uint64(p.s[off]), 16)
	}
	return strconv.QuoteRune(r)
}

// skipSpace skips whitespace and comments. It returns false (with p.err set)
// on an unterminated or malformed comment.
func (p *parser) skipSpace() bool {
	s := p.s
	i := p.pos
	for i < len(s) {
		switch s[i] {
		case ' ':
			i++
			// Indentation comes in runs of spaces: skip them 8 at a time.
			for i+8 <= len(s) {
				x := load8(s, i) ^ spaces8
				if x != 0 {
					i += bits.TrailingZeros64(x) >> 3
					break
				}
				i += 8
			}
		case '\n', '\r', '\t':
			i++
		case '/':
			if i+1 < len(s) && s[i+1] == '/' {
				j := strings.IndexByte(s[i+2:], '\n')
				if j < 0 {
					i = len(s)
				} else {
					i += 2 + j + 1
				}
			} else if i+1 < len(s) && s[i+1] == '*' {
				j := strings.Index(s[i+2:], "*/")
				if j < 0 {
					p.pos = i
					p.fail(i, "unterminated block comment")
					return false
				}
				i += 2 + j + 2
			} else {
				p.pos = i + 1
				if i+1 >= len(s) {
					p.fail(i+1, "unexpected end of input: expected '/' or '*' after '/' to start a comment")
				} else {
					p.fail(i+1, "expected '/' or '*' after '/' to start a comment, found "+p.describe(i+1))
				}
				return false
			}
		default:
			p.pos = i
			return true
		}
	}
	p.pos = i
	return true
}

const (
	ones8   = 0x0101010101010101
	highs8  = 0x8080808080808080
	spaces8 = ' ' * ones8
	quotes8 = '"' * ones8
	backs8  = '\\' * ones8
	ctrl8   = 0x20 * ones8
)

// load8 returns the 8 bytes at s[i:i+8] as a little-endian word.
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// specialMask returns a word whose lowest set bit (if any) is the high bit of
// the first byte of x that is '"', '\\' or a control character. Higher set
// bits may be false positives.
func specialMask(x uint64) uint64 {
	q := x ^ quotes8
	b := x ^ backs8
	return ((q-ones8)&^q | (b-ones8)&^b | (x-ctrl8)&^x) & highs8
}

func (p *parser) parseRoot() *Value {
	if !p.skipSpace() {
		return nil
	}
	if p.pos >= len(p.s) {
		return p.fail(p.pos, "empty document: expected a JSON value")
	}
	v := p.parseValue()
	if v == nil {
		return nil
	}
	if !p.skipSpace() {
		return nil
	}
	if p.pos < len(p.s) {
		return p.fail(p.pos, "unexpected "+p.describe(p.pos)+" after top-level value")
	}
	return v
}

// parseValue parses the value starting at p.pos, which must not be
// whitespace.
func (p *parser) parseValue() *Value {
	s := p.s
	i := p.pos
	if i >= len(s) {
		return p.expected("value")
	}
	switch c := s[i]; c {
	case '"':
		v := p.newValue(String, i)
		str, ok := p.parseString()
		if !ok {
			return nil
		}
		v.Str = str
		return v
	case '{':
		return p.parseObject()
	case '[':
		return p.parseArray()
	case 't':
		if len(s)-i >= 4 && s[i:i+4] == "true" {
			p.pos = i + 4
			v := p.newValue(Bool, i)
			v.Bool = true
			return v
		}
	case 'f':
		if len(s)-i >= 5 && s[i:i+5] == "false" {
			p.pos = i + 5
			return p.newValue(Bool, i)
		}
	case 'n':
		if len(s)-i >= 4 && s[i:i+4] == "null" {
			p.pos = i + 4
			return p.newValue(Null, i)
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return p.parseNumber()
	case '\'':
		return p.fail(i, "expected value, found \"'\": strings must use double quotes")
	}
	return p.expected("value")
}

func (p *parser) parseNumber() *Value {
	s := p.s
	start := p.pos
	i := start
	if s[i] == '-' {
		i++
	}
	switch {
	case i >= len(s):
		p.pos = i
		return p.expected("digit in number")
	case s[i] == '0':
		i++
		if i < len(s) && isDigit(s[i]) {
			return p.fail(i-1, "invalid number: leading zeros are not allowed")
		}
	case isDigit(s[i]):
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		p.pos = i
		return p.expected("digit in number")
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			p.pos = i
			return p.expected("digit after decimal point")
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			p.pos = i
			return p.expected("digit in exponent")
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	p.pos = i
	v := p.newValue(Number, start)
	v.Str = s[start:i]
	return v
}

func isDigit(c byte) bool { return c-'0' < 10 }

func (p *parser) parseObject() *Value {
	start := p.pos
	p.depth++
	if p.depth > MaxDepth {
		return p.fail(start, "maximum nesting depth "+strconv.Itoa(MaxDepth)+" exceeded")
	}
	v := p.newValue(Object, start)
	p.pos++
	base := len(p.mstack)
	s := p.s
	for {
		if !p.skipSpace() {
			return nil
		}
		if p.pos >= len(s) {
			return p.expected("string key or '}'")
		}
		c := s[p.pos]
		if c == '}' { // empty object or trailing comma
			p.pos++
			break
		}
		if c != '"' {
			if c == '\'' {
				return p.fail(p.pos, "expected string key or '}', found \"'\": property names must use double quotes")
			}
			return p.expected("string key or '}'")
		}
		keyOff := p.pos
		key, ok := p.parseString()
		if !ok {
			return nil
		}
		if !p.skipSpace() {
			return nil
		}
		if p.pos >= len(s) || s[p.pos] != ':' {
			return p.expected("':' after object key")
		}
		p.pos++
		if !p.skipSpace() {
			return nil
		}
		val := p.parseValue()
		if val == nil {
			return nil
		}
		p.mstack = append(p.mstack, Member{Key: key, KeyOffset: keyOff, Value: val})
		if !p.skipSpace() {
			return nil
		}
		if p.pos < len(s) {
			if c := s[p.pos]; c == ',' {
				p.pos++
				continue
			} else if c == '}' {
				p.pos++
				break
			}
		}
		return p.expected("',' or '}' after object member")
	}
	if n := len(p.mstack) - base; n > 0 {
		v.Members = p.allocMembers(n)
		copy(v.Members, p.mstack[base:])
		p.mstack = p.mstack[:base]
	}
	p.depth--
	return v
}

func (p *parser) parseArray() *Value {
	start := p.pos
	p.depth++
	if p.depth > MaxDepth {
		return p.fail(start, "maximum nesting depth "+strconv.Itoa(MaxDepth)+" exceeded")
	}
	v := p.newValue(Array, start)
	p.pos++
	base := len(p.istack)
	s := p.s
	for {
		if !p.skipSpace() {
			return nil
		}
		if p.pos < len(s) && s[p.pos] == ']' { // empty array or trailing comma
			p.pos++
			break
		}
		if p.pos >= len(s) {
			return p.expected("value or ']'")
		}
		item := p.parseValue()
		if item == nil {
			return nil
		}
		p.istack = append(p.istack, item)
		if !p.skipSpace() {
			return nil
		}
		if p.pos < len(s) {
			if c := s[p.pos]; c == ',' {
				p.pos++
				continue
			} else if c == ']' {
				p.pos++
				break
			}
		}
		return p.expected("',' or ']' after array element")
	}
	if n := len(p.istack) - base; n > 0 {
		v.Items = p.allocItems(n)
		copy(v.Items, p.istack[base:])
		p.istack = p.istack[:base]
	}
	p.depth--
	return v
}

// parseString parses the string whose opening quote is at p.pos and returns
// its decoded text. Strings without escapes or invalid UTF-8 are returned as
// substrings of the source without copying.
func (p *parser) parseString() (string, bool) {
	s := p.s
	start := p.pos + 1
	i := start
	safe := p.safe
	highs := uint64(0)
	if safe == &strSafeASCII {
		highs = highs8 // stop at non-ASCII bytes to validate them
	}
	for {
		for i+8 <= len(s) {
			x := load8(s, i)
			if m := specialMask(x) | x&highs; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		for i < len(s) && safe[s[i]] {
			i++
		}
		if i >= len(s) {
			p.fail(start-1, "unterminated string")
			return "", false
		}
		c := s[i]
		if c == '"' {
			p.pos = i + 1
			return s[start:i], true
		}
		if c >= utf8.RuneSelf {
			// Only reached when the input is not entirely valid UTF-8.
			if r, size := utf8.DecodeRuneInString(s[i:]); r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
		}
		return p.parseStringSlow(start, i)
	}
}

// parseStringSlow decodes a string that contains escapes, control
// characters or invalid UTF-8. start is the offset just after the opening
// quote; s[start:i] needs no decoding.
func (p *parser) parseStringSlow(start, i int) (string, bool) {
	s := p.s
	b := append(p.buf[:0], s[start:i]...)
	defer func() { p.buf = b[:0] }()
	for {
		if i >= len(s) {
			p.fail(start-1, "unterminated string")
			return "", false
		}
		c := s[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return string(b), true
		case c == '\\':
			if i+1 >= len(s) {
				p.fail(start-1, "unterminated string")
				return "", false
			}
			switch e := s[i+1]; e {
			case '"', '\\', '/', '\'':
				// \' is not JSON, but Newtonsoft (and so ARM) accepts it.
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(s, i+2)
				if r < 0 {
					p.fail(i, "invalid escape in string: \\u must be followed by 4 hex digits")
					return "", false
				}
				i += 6
				if r >= 0xD800 && r < 0xE000 { // surrogate
					if r < 0xDC00 && i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if r2 := hex4(s, i+2); r2 >= 0xDC00 && r2 < 0xE000 {
							r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
							i += 6
							b = utf8.AppendRune(b, r)
							continue
						}
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				if e < 0x20 || e >= utf8.RuneSelf {
					p.fail(i, "invalid escape in string: "+p.describe(i+1)+" after '\\'")
				} else {
					p.fail(i, "invalid escape \\"+string(rune(e))+" in string")
				}
				return "", false
			}
			i += 2
		case c == '\n' || c == '\r' || c == '\t':
			// Not JSON, but Resource Manager takes a string written over
			// several lines (its documented multi-line strings: the line
			// breaks are part of the value) and a raw tab, as Newtonsoft does.
			b = append(b, c)
			i++
		case c < 0x20:
			p.fail(i, "invalid control character "+p.describe(i)+" in string: must be escaped")
			return "", false
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, "\uFFFD"...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
		}
	}
}

// hex4 decodes the 4 hex digits at s[i:], returning -1 if there are none.
func hex4(s string, i int) rune {
	if len(s)-i < 4 {
		return -1
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}
