package jsonpos

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

//go:embed testdata/arm_template.json
var armTemplate []byte

// stdDecode decodes src with encoding/json using UseNumber.
func stdDecode(t testing.TB, src []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return v
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // the equivalent standard JSON
	}{
		{"null", `null`, `null`},
		{"true", ` true `, `true`},
		{"false", "\n\tfalse\r\n", `false`},
		{"string", `"abc"`, `"abc"`},
		{"empty string", `""`, `""`},
		{"empty object", `{}`, `{}`},
		{"empty array", `[ ]`, `[]`},
		{"numbers", `[0, -0, 1, -1, 12.5, 1e3, 1E+3, 1.5e-3, -0.0e0, 123456789012345678901234567890]`,
			`[0, -0, 1, -1, 12.5, 1e3, 1E+3, 1.5e-3, -0.0e0, 123456789012345678901234567890]`},
		{"nested", `{"a":{"b":[1,{"c":[[],{}]}]},"d":null}`, `{"a":{"b":[1,{"c":[[],{}]}]},"d":null}`},
		{"line comments", "// head\n{ // after brace\n\"a\" // before colon\n: // after colon\n1 // after value\n, \"b\": [ // in array\n2 // x\n] } // tail",
			`{"a":1,"b":[2]}`},
		{"block comments", "/* head */{/**/\"a\"/* k */:/* v */1/* , */,/**/\"b\":[/*a*/2/*b*/,/* c\n multi-line */3]}/* tail */",
			`{"a":1,"b":[2,3]}`},
		{"comment at EOF without newline", "1 // end", `1`},
		{"block comment with stars", "/*** x ***/ 1 /* a * b / c **/", `1`},
		{"comment chars in string", `{"url": "http://x/*y*/"}`, `{"url": "http://x/*y*/"}`},
		{"BOM", "\xEF\xBB\xBF{\"a\": 1}", `{"a":1}`},
		{"BOM and comment", "\xEF\xBB\xBF// c\n[]", `[]`},
		{"trailing comma object", `{"a": 1, "b": 2,}`, `{"a":1,"b":2}`},
		{"trailing comma array", `[1, 2, ]`, `[1,2]`},
		{"trailing comma nested", "[{\"a\":[1,],},/* c */]", `[{"a":[1]}]`},
		{"escapes", `"\" \\ \/ \b \f \n \r \t"`, `"\" \\ / \b \f \n \r \t"`},
		{"unicode escape", `"\u00e9\u20AC\u0000"`, `"é€\u0000"`},
		{"surrogate pair", `"\uD83D\uDE00"`, `"😀"`},
		{"lone high surrogate", `"a\uD83Db"`, `"a\ufffdb"`},
		{"lone low surrogate", `"\uDE00"`, `"\ufffd"`},
		{"high surrogate then non-surrogate escape", `"\uD83D\u0041"`, `"\ufffdA"`},
		{"two high surrogates", `"\uD83D\uD83D\uDE00"`, `"\ufffd😀"`},
		{"raw utf8", `"héllo 世界 😀"`, `"héllo 世界 😀"`},
		{"invalid utf8", "\"a\xffb\xc3\"", "\"a\uFFFDb\uFFFD\""},
		{"duplicate keys", `{"a":1,"A":2,"a":3}`, `{"a":3,"A":2}`},
		{"escaped key", `{"\u0061b": true}`, `{"ab": true}`},
		{"single quote escape (Newtonsoft accepts it)", `"it\'s"`, `"it's"`},
		// ARM's multi-line strings: the line breaks are part of the value.
		{"line breaks in string", "{\"a\": \"[concat(\n  'x',\r\n  'y')]\"}", `{"a": "[concat(\n  'x',\r\n  'y')]"}`},
		{"line break in key", "{\"a\nb\": 1}", `{"a\nb": 1}`},
		{"tab in string", "\"a\tb\"", `"a\tb"`},
		{"line break after escape", "\"\\u00e9\n\"", `"é\n"`},
		{"deep", strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)},
		{"arm template", string(armTemplate), string(armTemplate)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("t.json", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := doc.Root.Interface()
			want := stdDecode(t, []byte(tt.want))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %#v\nwant %#v", got, want)
			}
			checkOffsets(t, []byte(tt.in), doc.Root)
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name, in  string
		line, col int
		msg       string
	}{
		{"empty", ``, 1, 1, "empty document: expected a JSON value"},
		{"only whitespace", " \n ", 2, 2, "empty document"},
		{"only comments", "// x\n/* y */", 2, 8, "empty document"},
		{"only BOM", "\xEF\xBB\xBF", 1, 1, "empty document"},
		{"missing comma object", "{\"a\": 1\n \"b\": 2}", 2, 2, `expected ',' or '}' after object member, found '"'`},
		{"garbage in object", `{"a": 1 x}`, 1, 9, `expected ',' or '}' after object member, found 'x'`},
		{"missing comma array", `[1 2]`, 1, 4, `expected ',' or ']' after array element, found '2'`},
		{"eof in object", `{"a": 1`, 1, 8, `unexpected end of input: expected ',' or '}' after object member`},
		{"eof after colon", `{"a":`, 1, 6, `unexpected end of input: expected value`},
		{"eof in array", `[`, 1, 2, `unexpected end of input: expected value or ']'`},
		{"close bracket as value", `{"a": ]}`, 1, 7, `expected value, found ']'`},
		{"leading comma array", `[,1]`, 1, 2, `expected value, found ','`},
		{"double comma", `[1,,2]`, 1, 4, `expected value, found ','`},
		{"leading comma object", `{,}`, 1, 2, `expected string key or '}', found ','`},
		{"double comma object", `{"a":1,,}`, 1, 8, `expected string key or '}', found ','`},
		{"missing colon", `{"a" 1}`, 1, 6, `expected ':' after object key, found '1'`},
		{"unquoted key", "{\n  name: 1}", 2, 3, `expected string key or '}', found 'n'`},
		{"single quoted key", `{'a': 1}`, 1, 2, `property names must use double quotes`},
		{"single quoted string", `['a']`, 1, 2, `strings must use double quotes`},
		{"NaN", `[NaN]`, 1, 2, `expected value, found 'N'`},
		{"Infinity", `-Infinity`, 1, 2, `expected digit in number, found 'I'`},
		{"leading zero", `[01]`, 1, 2, `leading zeros`},
		{"negative leading zero", `-012`, 1, 2, `leading zeros`},
		{"plus", `+1`, 1, 1, `expected value, found '+'`},
		{"lone minus", `-`, 1, 2, `unexpected end of input: expected digit in number`},
		{"trailing dot", `1.`, 1, 3, `unexpected end of input: expected digit after decimal point`},
		{"leading dot", `.5`, 1, 1, `expected value, found '.'`},
		{"empty exponent", `[1e]`, 1, 4, `expected digit in exponent, found ']'`},
		{"exponent sign only", `1e+`, 1, 4, `expected digit in exponent`},
		{"hex", `0x10`, 1, 2, `unexpected 'x' after top-level value`},
		{"bad literal", `tru`, 1, 1, `expected value, found 't'`},
		{"capital literal", `True`, 1, 1, `expected value, found 'T'`},
		{"trailing garbage", `{} x`, 1, 4, `unexpected 'x' after top-level value`},
		{"two values", "1\n2", 2, 1, `unexpected '2' after top-level value`},
		{"literal run-on", `truex`, 1, 5, `unexpected 'x' after top-level value`},
		{"unterminated string", `{"a": "abc`, 1, 7, `unterminated string`},
		{"unterminated string with escape", `"ab\"`, 1, 1, `unterminated string`},
		{"unterminated string at backslash", `"ab\`, 1, 1, `unterminated string`},
		{"vertical tab in string", "\"a\vb\"", 1, 3, `invalid control character '\v' in string`},
		{"string left open at a line break", "{\"a\": \"abc\n\"b\": 1}", 2, 2, `expected ',' or '}' after object member, found 'b'`},
		{"NUL in string", "\"a\x00b\"", 1, 3, `invalid control character`},
		{"invalid escape", `["\q"]`, 1, 3, `invalid escape \q in string`},
		{"short unicode escape", `"\u12"`, 1, 2, `\u must be followed by 4 hex digits`},
		{"bad unicode escape", `"\u12G4"`, 1, 2, `\u must be followed by 4 hex digits`},
		{"unterminated block comment", "{\n  /* abc\n}", 2, 3, `unterminated block comment`},
		{"lone slash", `[1 / 2]`, 1, 5, `expected '/' or '*' after '/' to start a comment, found ' '`},
		{"slash at eof", `1 /`, 1, 4, `unexpected end of input: expected '/' or '*'`},
		{"hash comment", "# x\n1", 1, 1, `expected value, found '#'`},
		{"control char outside string", "\x01", 1, 1, `expected value, found '\x01'`},
		{"invalid utf8 outside string", "\xff", 1, 1, `expected value, found byte 0xff`},
		{"multibyte column", "{\"é\": \"ü\" x}", 1, 11, `found 'x'`},
		{"CRLF line", "{\r\n\"a\": 1,\r\n\"b\" 2}", 3, 5, `expected ':' after object key, found '2'`},
		{"too deep", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), 1, MaxDepth + 1, `maximum nesting depth 2000 exceeded`},
		{"too deep objects", strings.Repeat(`{"a":`, MaxDepth+1), 1, 5*MaxDepth + 1, `maximum nesting depth`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("bad.json", []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse succeeded: %#v", doc.Root.Interface())
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *SyntaxError: %v", err, err)
			}
			if se.Line != tt.line || se.Column != tt.col || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("got %d:%d %q, want %d:%d containing %q", se.Line, se.Column, se.Msg, tt.line, tt.col, tt.msg)
			}
			if se.File != "bad.json" {
				t.Errorf("File = %q", se.File)
			}
			if se.Offset < 0 || se.Offset > len(tt.in) {
				t.Errorf("Offset %d out of range", se.Offset)
			}
			if want := "bad.json:" + strconv.Itoa(se.Line) + ":" + strconv.Itoa(se.Column) + ": " + se.Msg; err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}

func TestOffsets(t *testing.T) {
	src := "\xEF\xBB\xBF{\n  // comment\n  \"name\": \"x\",\n  \"Props\": {\"n\": -1.5e3, \"b\": [true, null]},\n  \"é\": \"\\u00e9\"\n}\n"
	doc, err := Parse("o.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	type pos struct{ line, col int }
	at := func(off int) pos { l, c := doc.Position(off); return pos{l, c} }

	root := doc.Root
	if root.Offset != 3 || at(root.Offset) != (pos{1, 1}) {
		t.Errorf("root at %d %v", root.Offset, at(root.Offset))
	}
	m := root.GetMember("NAME")
	if m == nil || m.Key != "name" || at(m.KeyOffset) != (pos{3, 3}) || at(m.Value.Offset) != (pos{3, 11}) || m.Value.Str != "x" {
		t.Errorf("name member: %+v", m)
	}
	props := root.Get("props")
	if props == nil || props.Kind != Object || at(props.Offset) != (pos{4, 12}) {
		t.Fatalf("props: %+v", props)
	}
	n := props.Get("n")
	if n.Kind != Number || n.Str != "-1.5e3" || at(n.Offset) != (pos{4, 18}) {
		t.Errorf("n: %+v at %v", n, at(n.Offset))
	}
	b := props.Get("b")
	if b.Kind != Array || len(b.Items) != 2 || at(b.Items[1].Offset) != (pos{4, 38}) || b.Items[1].Kind != Null {
		t.Errorf("b: %+v", b)
	}
	e := root.GetMember("É") // case-insensitive beyond ASCII
	if e == nil || e.Value.Str != "é" || at(e.KeyOffset) != (pos{5, 3}) || at(e.Value.Offset) != (pos{5, 8}) {
		t.Errorf("é: %+v", e)
	}
	checkOffsets(t, []byte(src), root)
}

func TestGet(t *testing.T) {
	doc, err := Parse("g.json", []byte(`{"Type": "a", "name": "n", "type": "b", "arr": [1]}`))
	if err != nil {
		t.Fatal(err)
	}
	r := doc.Root
	if got := r.Get("TYPE"); got == nil || got.Str != "b" {
		t.Errorf("Get(TYPE) = %+v, want last duplicate", got)
	}
	if m := r.GetMember("type"); m == nil || m.Key != "type" || m.KeyOffset != 27 {
		t.Errorf("GetMember(type) = %+v", m)
	}
	if r.Get("missing") != nil || r.GetMember("missing") != nil {
		t.Error("missing key found")
	}
	var nilv *Value
	if nilv.Get("a") != nil || nilv.GetMember("a") != nil || nilv.Interface() != nil {
		t.Error("nil receiver")
	}
	if r.Get("arr").Get("0") != nil || r.Get("name").Get("x") != nil {
		t.Error("Get on non-object")
	}
	if r.Get("arr").Get("x").Get("y") != nil {
		t.Error("chained Get on nil")
	}
}

func TestKindString(t *testing.T) {
	want := map[Kind]string{Null: "null", Bool: "boolean", Number: "number", String: "string", Object: "object", Array: "array", 9: "Kind(9)"}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("%d.String() = %q, want %q", k, k.String(), s)
		}
	}
}

func TestPosition(t *testing.T) {
	type pos struct{ line, col int }
	tests := []struct {
		name string
		src  string
		want map[int]pos // offset -> position
	}{
		{"ascii", "ab\ncd\n", map[int]pos{0: {1, 1}, 1: {1, 2}, 2: {1, 3}, 3: {2, 1}, 4: {2, 2}, 6: {3, 1}}},
		{"multibyte", "é€😀x\n世x", map[int]pos{0: {1, 1}, 2: {1, 2}, 5: {1, 3}, 9: {1, 4}, 10: {1, 5}, 11: {2, 1}, 14: {2, 2}}},
		{"CRLF", "a\r\nb\r\n\r\nc", map[int]pos{0: {1, 1}, 1: {1, 2}, 2: {1, 3}, 3: {2, 1}, 4: {2, 2}, 6: {3, 1}, 8: {4, 1}, 9: {4, 2}}},
		{"BOM", "\xEF\xBB\xBFab\nc", map[int]pos{0: {1, 1}, 2: {1, 1}, 3: {1, 1}, 4: {1, 2}, 6: {2, 1}}},
		{"clamp", "ab", map[int]pos{-5: {1, 1}, 2: {1, 3}, 100: {1, 3}}},
		{"empty", "", map[int]pos{0: {1, 1}}},
		{"invalid utf8 counts bytes", "\xff\xfex", map[int]pos{1: {1, 2}, 2: {1, 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Position does not need a successful parse; build the document directly.
			d := &Document{Name: "p.json", src: tt.src}
			for off, want := range tt.want {
				if l, c := d.Position(off); (pos{l, c}) != want {
					t.Errorf("Position(%d) = %d:%d, want %d:%d", off, l, c, want.line, want.col)
				}
			}
		})
	}

	// Through Parse, with CRLF and multi-byte text before the value.
	doc, err := Parse("p.json", []byte("{\r\n  \"ключ\": \"значение\", \"k\":\r\n\t[1]}"))
	if err != nil {
		t.Fatal(err)
	}
	if l, c := doc.Position(doc.Root.Get("k").Offset); l != 3 || c != 2 {
		t.Errorf("k at %d:%d, want 3:2", l, c)
	}
	if l, c := doc.Position(doc.Root.GetMember("k").KeyOffset); l != 2 || c != 23 {
		t.Errorf("k key at %d:%d, want 2:23", l, c)
	}
}

// checkOffsets verifies that every offset in the tree is in range and points
// at a byte that can start a value of its kind.
func checkOffsets(t testing.TB, src []byte, v *Value) {
	t.Helper()
	var walk func(v *Value)
	walk = func(v *Value) {
		if v.Offset < 0 || v.Offset >= len(src) {
			t.Fatalf("offset %d out of range [0,%d)", v.Offset, len(src))
		}
		c := src[v.Offset]
		ok := false
		switch v.Kind {
		case Null:
			ok = c == 'n'
		case Bool:
			ok = c == 't' && v.Bool || c == 'f' && !v.Bool
		case Number:
			ok = bytes.HasPrefix(src[v.Offset:], []byte(v.Str))
		case String:
			ok = c == '"'
		case Object:
			ok = c == '{'
			for _, m := range v.Members {
				if m.KeyOffset < 0 || m.KeyOffset >= len(src) || src[m.KeyOffset] != '"' {
					t.Fatalf("key %q offset %d does not point at a quote", m.Key, m.KeyOffset)
				}
				if m.KeyOffset >= m.Value.Offset || m.KeyOffset <= v.Offset {
					t.Fatalf("key %q offset %d out of order", m.Key, m.KeyOffset)
				}
				walk(m.Value)
			}
		case Array:
			ok = c == '['
			for _, it := range v.Items {
				if it.Offset <= v.Offset {
					t.Fatalf("item offset %d out of order", it.Offset)
				}
				walk(it)
			}
		}
		if !ok {
			t.Fatalf("%s at offset %d starts with %q", v.Kind, v.Offset, c)
		}
	}
	walk(v)
}

var equivalenceDocs = []string{
	`{}`, `[]`, `0`, `-1.25E+10`, `"x"`, `null`, `true`,
	`{"a": [1, 2, {"b": null}], "c": {"d": "e\u00e9\ud83d\ude00"}, "f": false}`,
	`[[[[[]]]], {"": ""}, {"a": {"a": {"a": 1}}}]`,
	`{"k": 1, "k": 2, "K": 3}`,
	`["\"\\\/\b\f\n\r\t", "\u0000\u001f", "\ud800", "\udfff\ud800x", "tab\u0009"]`,
	"\"\xff\xfe\xc0\xafok\xed\xa0\x80\"",
	` { "spaces" : [ 1 , 2 ] } `,
	string(armTemplate),
}

// bigMinified returns a dense minified document with many values, which
// outgrows the initial arena chunks several times.
func bigMinified() string {
	var b strings.Builder
	b.WriteString(`{"items":[`)
	for i := range 5000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"i":` + strconv.Itoa(i) + `,"a":[1,2,[3,{}]],"s":"x\ty","o":{"k":null,"K":true}}`)
	}
	b.WriteString(`],"n":[`)
	for i := range 20000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(i % 7))
	}
	b.WriteString(`]}`)
	return b.String()
}

func TestEquivalence(t *testing.T) {
	for _, src := range append(equivalenceDocs, bigMinified()) {
		doc, err := Parse("e.json", []byte(src))
		if err != nil {
			t.Errorf("Parse(%.40q): %v", src, err)
			continue
		}
		if got, want := doc.Root.Interface(), stdDecode(t, []byte(src)); !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%.40q):\n got  %#v\n want %#v", src, got, want)
		}
	}
}

func TestZeroCopyStrings(t *testing.T) {
	src := []byte(`{"plain": "value", "esc": "a\nb"}`)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := Parse("z.json", src); err != nil {
			t.Fatal(err)
		}
	})
	// document, parser, source copy, line starts, value/member arenas,
	// scratch stack, one escaped string (+ scratch buffer).
	if allocs > 12 {
		t.Errorf("Parse allocated %v times for a tiny document", allocs)
	}
}

func TestConcurrentParse(t *testing.T) {
	var wg sync.WaitGroup
	want := stdDecode(t, armTemplate)
	shared, err := Parse("shared.json", armTemplate)
	if err != nil {
		t.Fatal(err)
	}
	off := len(armTemplate) / 2
	before := armTemplate[:off]
	wantLine := bytes.Count(before, []byte("\n")) + 1
	wantCol := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The line table is built lazily; concurrent first use must be safe.
			if l, c := shared.Position(off); l != wantLine || c != wantCol {
				t.Errorf("Position = %d:%d, want %d:%d", l, c, wantLine, wantCol)
			}
		}()
	}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				doc, err := Parse("c.json", armTemplate)
				if err != nil {
					t.Error(err)
					return
				}
				if !reflect.DeepEqual(doc.Root.Interface(), want) {
					t.Error("mismatch")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		``,
		`{}`,
		`[1, 2, 3,]`,
		`{"a": {"b": [true, false, null, -1.5e+3]}, "c": "\u00e9\ud83d\ude00\n"}`,
		"// line comment\n{/* block */\"a\"/**/:1, // x\n}",
		"\xEF\xBB\xBF{\"bom\": true}",
		"{\r\n  \"crlf\": \"é\"\r\n}",
		"{\"multi-line\": \"[concat(\n  'a')]\"}",
		`{"a": 1 "b": 2}`,
		`{"unterminated": "abc`,
		`/* unterminated comment`,
		`[01, +1, .5, NaN]`,
		`{'single': 'quotes'}`,
		"\"invalid \xff utf8\"",
		`"\uD800\uDC00 \uDBFF \uZZZZ"`,
		`[[[[[[[[[[]]]]]]]]]]`,
		`{"x": 1} trailing`,
		`1 /`,
		string(armTemplate[:1000]),
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := Parse("fuzz.json", src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *SyntaxError", err)
			}
			if se.Offset < 0 || se.Offset > len(src) || se.Line < 1 || se.Column < 1 {
				t.Fatalf("bad error position: %+v", se)
			}
			if json.Valid(src) && !strings.Contains(se.Msg, "maximum nesting depth") {
				t.Fatalf("rejected valid JSON: %v", err)
			}
			return
		}
		checkOffsets(t, src, doc.Root)
		for _, off := range []int{0, doc.Root.Offset, len(src)} {
			if l, c := doc.Position(off); l < 1 || c < 1 {
				t.Fatalf("Position(%d) = %d:%d", off, l, c)
			}
		}
		if json.Valid(src) {
			if got, want := doc.Root.Interface(), stdDecode(t, src); !reflect.DeepEqual(got, want) {
				t.Fatalf("mismatch with encoding/json:\n got  %#v\n want %#v", got, want)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	b.SetBytes(int64(len(armTemplate)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("bench.json", armTemplate); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodingJSONUnmarshal(b *testing.B) {
	b.SetBytes(int64(len(armTemplate)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(armTemplate, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPosition(b *testing.B) {
	doc, err := Parse("bench.json", armTemplate)
	if err != nil {
		b.Fatal(err)
	}
	off := len(armTemplate) * 3 / 4
	b.ReportAllocs()
	for b.Loop() {
		doc.Position(off)
	}
}

// TestOffsetInvertsPosition: Offset gives back the byte offset Position
// numbered, BOM, multi-byte runes and CRLF included, and refuses places the
// source does not have.
func TestOffsetInvertsPosition(t *testing.T) {
	src := "\uFEFF{\"é\": 1,\r\n  \"b\": \"ü\"}\n"
	doc, err := Parse("x.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for off := len("\uFEFF"); off < len(doc.Source()); off++ {
		if !utf8.RuneStart(doc.Source()[off]) || doc.Source()[off] == '\n' {
			continue
		}
		line, col := doc.Position(off)
		if got, ok := doc.Offset(line, col); !ok || got != off {
			t.Errorf("Offset(Position(%d) = %d:%d) = %d, %v", off, line, col, got, ok)
		}
	}
	for _, bad := range [][2]int{{0, 1}, {1, 0}, {1, 99}, {9, 1}} {
		if _, ok := doc.Offset(bad[0], bad[1]); ok {
			t.Errorf("Offset(%d, %d) found a place", bad[0], bad[1])
		}
	}
}
