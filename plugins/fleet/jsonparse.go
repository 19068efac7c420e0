package fleet

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/patchcheck/patchcheck/schemas"
)

// parseJSON builds the same document as parse for a JSON fleet file
// (without positions unless placed), many times faster and in a fraction
// of the memory: the YAML parser keeps a syntax tree with every token,
// which made a 100,000-VM file take 15 s and gigabytes before validation
// even began. ok is false for anything this
// reader does not handle exactly as the YAML path would (a syntax error,
// duplicate keys, a "<<" merge key, a number outside int64 or float64,
// excessive nesting); parse then reads the file the YAML way, which gives
// the same result or the error message users expect.
// TestJSONParseMatchesYAML checks the two agree.
func parseJSON(name string, data []byte, placed bool) (doc *document, ok bool) {
	r := &jsonReader{data: data, dec: jsontext.NewDecoder(bytes.NewReader(data)), line: 1, placed: placed}
	doc = &document{file: name, locs: map[string]located{}}
	if placed {
		// About one value per 25 bytes in fleet files: sizing the index up
		// front spares rehashing a map of millions of entries as it grows.
		doc.locs = make(map[string]located, len(data)/25)
	}
	tok, at, ok := r.next()
	if !ok {
		return nil, false
	}
	if placed {
		doc.locs[""] = located{val: at}
	}
	root, ok := r.value(doc, tok, at, "", 0)
	if !ok {
		return nil, false
	}
	if _, err := r.dec.ReadToken(); err != io.EOF {
		return nil, false // trailing content
	}
	doc.root, doc.json = root, data
	return doc, true
}

// jsonReader walks the tokens of jsontext (the streaming layer of Go's
// coming encoding/json/v2, several times faster than encoding/json's Token)
// and works out where each one starts, in the 1-based lines and code-point
// columns the YAML path uses.
type jsonReader struct {
	data []byte
	dec  *jsontext.Decoder
	// The position counter only moves forward: off is a byte offset at the
	// start of line line, or within it at lineStart+(column bytes).
	off, line, lineStart int
	placed               bool // else positions are neither computed nor kept
}

// next returns the next token and where it starts.
func (r *jsonReader) next() (jsontext.Token, pos, bool) {
	start := int(r.dec.InputOffset())
	tok, err := r.dec.ReadToken()
	if err != nil {
		return jsontext.Token{}, pos{}, false
	}
	if !r.placed {
		return tok, pos{}, true
	}
	// Between tokens there is only whitespace and the separators the
	// decoder consumed.
	for start < len(r.data) {
		switch r.data[start] {
		case ' ', '\t', '\r', '\n', ',', ':':
			start++
			continue
		}
		break
	}
	return tok, r.pos(start), true
}

func (r *jsonReader) pos(off int) pos {
	for i := r.off; i < off; i++ {
		// Line breaks as YAML counts them: LF, CRLF, or a lone CR.
		if c := r.data[i]; c == '\n' || c == '\r' && (i+1 == len(r.data) || r.data[i+1] != '\n') {
			r.line++
			r.lineStart = i + 1
		}
	}
	r.off = off
	return pos{r.line, 1 + utf8.RuneCount(r.data[r.lineStart:off])}
}

func (r *jsonReader) value(doc *document, tok jsontext.Token, at pos, ptr string, depth int) (any, bool) {
	if depth > maxDepth {
		return nil, false
	}
	switch tok.Kind() {
	case '{':
		return r.object(doc, ptr, depth)
	case '[':
		return r.array(doc, ptr, depth)
	case '0':
		return yamlNumberValue(json.Number(tok.String()))
	case '"':
		return tok.String(), true
	case 't', 'f':
		return tok.Bool(), true
	case 'n':
		return nil, true
	}
	return nil, false
}

func (r *jsonReader) object(doc *document, ptr string, depth int) (any, bool) {
	out := map[string]any{}
	for {
		tok, keyAt, ok := r.next()
		if !ok {
			return nil, false
		}
		if tok.Kind() == '}' {
			return out, true
		}
		key := tok.String() // a name: jsontext allows only strings here
		if key == "<<" {
			return nil, false
		}
		if _, dup := out[key]; dup {
			return nil, false
		}
		var child string
		if r.placed {
			child = ptr + "/" + schemas.EscapePointer(key)
		}
		tok, at, ok := r.next()
		if !ok {
			return nil, false
		}
		if r.placed {
			doc.locs[child] = located{key: keyAt, val: at}
		}
		v, ok := r.value(doc, tok, at, child, depth+1)
		if !ok {
			return nil, false
		}
		out[key] = v
	}
}

func (r *jsonReader) array(doc *document, ptr string, depth int) (any, bool) {
	out := []any{}
	for {
		tok, at, ok := r.next()
		if !ok {
			return nil, false
		}
		if tok.Kind() == ']' {
			return out, true
		}
		var child string
		if r.placed {
			child = ptr + "/" + strconv.Itoa(len(out))
			doc.locs[child] = located{val: at}
		}
		v, ok := r.value(doc, tok, at, child, depth+1)
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
}

// yamlNumberValue writes a JSON number as the YAML path does: integers as
// themselves, other numbers in their shortest float64 form (1.0 is 1, 1e3
// is 1000).
func yamlNumberValue(n json.Number) (any, bool) {
	s := string(n)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return json.Number(strconv.FormatInt(i, 10)), true
	}
	if strings.ContainsAny(s, ".eE") {
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) {
			return floatNumber(f), true
		}
	}
	return nil, false
}
