package fleet

import (
	"github.com/patchcheck/patchcheck/schemas"

	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Limits that keep a hostile file from exhausting memory or the stack. A
// file's own values need no limit: they are already in memory, and a fleet
// of a million VMs holds over ten million of them. Aliases are another
// matter: a few lines of anchors referring to anchors expand to billions
// of values, so the values reached through aliases are capped.
const (
	maxDepth        = 64        // nesting of mappings and sequences
	maxAliasedNodes = 1_000_000 // values reached through aliases, counted expanded
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

// document is a parsed fleet file: plain values (map[string]any, []any,
// string, json.Number, bool, nil) as the schema validator wants them, plus
// the position of every value by JSON pointer.
type document struct {
	file string
	root any
	locs map[string]located
	// json is the file's text when it was read as JSON, which build can
	// decode directly.
	json []byte
}

// placed reports whether the document knows where its values are: every
// placed document knows at least the root's place. A large JSON file is
// read without positions to save time, and errors must then be found again
// on a placed document.
func (d *document) placed() bool { return len(d.locs) > 0 }

// locate returns the position of the value at ptr, falling back to the
// nearest ancestor the index knows (values reached through a YAML alias are
// indexed only at the alias).
func (d *document) locate(ptr string) located {
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

// parse reads YAML (JSON included) into a document. A file that is not
// well-formed YAML, holds several documents or uses aliases beyond reason
// fails here, before any schema validation.
//
// Positions cost time and memory on a large file and are needed only to
// report errors, so with placed false a JSON file may come back without
// them (document.placed tells); Load then reads the file again, placed,
// when there is an error to report.
func parse(name string, data []byte, placed bool) (*document, Errors) {
	return parseWithAliasLimit(name, data, placed, maxAliasedNodes)
}

func parseWithAliasLimit(name string, data []byte, placed bool, aliasLimit int) (*document, Errors) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if looksLikeJSON(data) {
		if doc, ok := parseJSON(name, data, placed); ok {
			return doc, nil
		}
	}
	return parseYAML(name, data, aliasLimit)
}

// parseYAML reads any YAML through a full syntax tree, which places every
// error and handles anchors, aliases and merge keys.
func parseYAML(name string, data []byte, aliasLimit int) (*document, Errors) {
	if looksLikeJSON(data) {
		// JSON allows tabs as whitespace where YAML indentation does not;
		// a tab byte cannot occur inside a valid JSON string, so replacing
		// them keeps every line and column.
		data = bytes.ReplaceAll(data, []byte{'\t'}, []byte{' '})
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, Errors{syntaxError(name, err)}
	}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		switch d.Body.(type) {
		case *ast.DirectiveNode, *ast.CommentGroupNode, *ast.CommentNode:
			continue // %YAML 1.2 and the like precede the document proper
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		return nil, Errors{{File: name, Line: 1, Column: 1, Message: "the file is empty; expected a fleet with release and vms"}}
	}
	if len(docs) > 1 {
		p := nodePos(docs[1].Body)
		if docs[1].Start != nil {
			p = tokenPos(docs[1].Start)
		}
		return nil, Errors{{File: name, Line: p.Line, Column: p.Column, Message: "a fleet file holds one YAML document; found another"}}
	}
	c := &converter{doc: &document{file: name, locs: map[string]located{}}, anchors: map[string]anchored{}, aliasLimit: aliasLimit}
	body := docs[0].Body
	c.doc.locs[""] = located{val: nodePos(body)}
	if c.doc.locs[""].val.Line == 0 {
		c.doc.locs[""] = located{val: pos{1, 1}}
	}
	root, _ := c.convert(body, "", 0)
	if len(c.errs) > 0 {
		return nil, sortErrors(c.errs)
	}
	c.doc.root = root
	return c.doc, nil
}

func looksLikeJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

func syntaxError(name string, err error) *Error {
	e := &Error{File: name, Message: err.Error()}
	var ye yaml.Error
	if errors.As(err, &ye) {
		e.Message = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Column = tk.Position.Line, tk.Position.Column
		}
	}
	e.Message = "not valid YAML or JSON: " + e.Message
	return e
}

func tokenPos(tk *token.Token) pos {
	if tk == nil || tk.Position == nil || tk.Position.Line < 1 {
		return pos{}
	}
	return pos{tk.Position.Line, max(tk.Position.Column, 1)}
}

func nodePos(n ast.Node) (p pos) {
	defer func() {
		// Some nodes dereference a child to find their token.
		if recover() != nil {
			p = pos{}
		}
	}()
	switch m := n.(type) {
	case nil:
		return pos{}
	case *ast.MappingNode:
		// A block mapping's own token is its first ':'; its first key
		// is where a reader sees it start.
		if !m.IsFlowStyle && len(m.Values) > 0 && m.Values[0] != nil {
			if p := nodePos(m.Values[0].Key); p.Line > 0 {
				return p
			}
		}
	case *ast.MappingValueNode:
		if p := nodePos(m.Key); p.Line > 0 {
			return p
		}
	}
	return tokenPos(n.GetToken())
}

// yamlNumber is a plain scalar YAML 1.2 (core schema) and JSON read as a
// number, though the parser leaves some, like 1e3, as strings.
var yamlNumber = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// floatNumber is a number that is not an integer literal, in its shortest
// float64 form (1.0 is 1, 1e3 is 1000), however it was written.
func floatNumber(f float64) json.Number { return json.Number(strconv.FormatFloat(f, 'g', -1, 64)) }

func stringValue(n *ast.StringNode) any {
	if n.Token != nil && n.Token.Type == token.StringType && yamlNumber.MatchString(n.Value) {
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil && !math.IsInf(f, 0) {
			return floatNumber(f)
		}
	}
	return n.Value
}

type anchored struct {
	value any
	size  int
}

type converter struct {
	doc        *document
	anchors    map[string]anchored
	aliased    int // values reached through aliases so far
	aliasLimit int // at most this many
	errs       Errors
	stopped    bool // a limit was hit; stop converting
}

func (c *converter) fail(p pos, ptr, format string, args ...any) {
	if p.Line == 0 {
		p = c.doc.locate(ptr).at()
	}
	c.errs = append(c.errs, &Error{File: c.doc.file, Line: p.Line, Column: p.Column, Field: fieldOf(ptr), Message: fmt.Sprintf(format, args...)})
}

// convert turns a node into a plain value, indexing positions under ptr. It
// returns the value and its size in nodes (aliases counted expanded).
func (c *converter) convert(n ast.Node, ptr string, depth int) (any, int) {
	if c.stopped || n == nil {
		return nil, 1
	}
	if depth > maxDepth {
		c.fail(nodePos(n), ptr, "nested more than %d levels deep", maxDepth)
		c.stopped = true
		return nil, 1
	}
	switch n := n.(type) {
	case *ast.MappingNode:
		return c.mapping(n.Values, ptr, depth)
	case *ast.MappingValueNode:
		return c.mapping([]*ast.MappingValueNode{n}, ptr, depth)
	case *ast.SequenceNode:
		out := make([]any, 0, len(n.Values))
		size := 1
		for i, item := range n.Values {
			child := ptr + "/" + strconv.Itoa(i)
			c.doc.locs[child] = located{val: nodePos(item)}
			v, s := c.convert(item, child, depth+1)
			out = append(out, v)
			size += s
		}
		return out, size
	case *ast.AnchorNode:
		v, size := c.convert(n.Value, ptr, depth)
		if name := anchorName(n.Name); name != "" {
			c.anchors[name] = anchored{v, size}
		}
		return v, size
	case *ast.AliasNode:
		name := anchorName(n.Value)
		a, ok := c.anchors[name]
		if !ok {
			c.fail(nodePos(n), ptr, "alias *%s refers to no anchor defined before it", name)
			return nil, 1
		}
		c.aliased += a.size
		if c.aliased > c.aliasLimit {
			c.fail(nodePos(n), ptr, "aliases expand to more than %d values (an alias bomb?): write the values out", c.aliasLimit)
			c.stopped = true
			return nil, 1
		}
		return a.value, a.size
	case *ast.TagNode:
		tag := ""
		if n.Start != nil {
			tag = n.Start.Value
		}
		if tag == "!!str" || tag == "tag:yaml.org,2002:str" {
			if s, ok := scalarText(n.Value); ok {
				return s, 1
			}
		}
		return c.convert(n.Value, ptr, depth)
	case *ast.StringNode:
		return stringValue(n), 1
	case *ast.LiteralNode:
		if n.Value == nil {
			return "", 1
		}
		return n.Value.Value, 1
	case *ast.IntegerNode:
		switch v := n.Value.(type) {
		case int64:
			return json.Number(strconv.FormatInt(v, 10)), 1
		case uint64:
			return json.Number(strconv.FormatUint(v, 10)), 1
		}
		return tokenText(n.Token), 1
	case *ast.FloatNode:
		if math.IsInf(n.Value, 0) || math.IsNaN(n.Value) {
			return tokenText(n.Token), 1
		}
		return floatNumber(n.Value), 1
	case *ast.InfinityNode:
		return tokenText(n.Token), 1
	case *ast.NanNode:
		return tokenText(n.Token), 1
	case *ast.BoolNode:
		return n.Value, 1
	case *ast.NullNode:
		return nil, 1
	case *ast.CommentGroupNode, *ast.CommentNode, *ast.DirectiveNode:
		return nil, 1
	}
	c.fail(nodePos(n), ptr, "unsupported YAML construct (%s)", n.Type())
	return nil, 1
}

// mapping converts the members of a mapping. Merge keys (<<: *anchor) are
// honoured: merged members count for less than the mapping's own.
func (c *converter) mapping(values []*ast.MappingValueNode, ptr string, depth int) (any, int) {
	out := map[string]any{}
	explicit := map[string]bool{}
	size := 1
	for _, mv := range values {
		if mv == nil || c.stopped {
			continue
		}
		if mv.Key != nil && mv.Key.IsMergeKey() {
			size += c.merge(mv, out, explicit, ptr, depth)
			continue
		}
		key, ok := keyText(mv.Key)
		kp := nodePos(mv.Key)
		if !ok {
			c.fail(kp, ptr, "mapping keys must be plain strings")
			continue
		}
		child := ptr + "/" + schemas.EscapePointer(key)
		if explicit[key] {
			c.fail(kp, child, "duplicate key %q", key)
			continue
		}
		explicit[key] = true
		c.doc.locs[child] = located{key: kp, val: nodePos(mv.Value)}
		v, s := c.convert(mv.Value, child, depth+1)
		out[key] = v
		size += s
	}
	return out, size
}

func (c *converter) merge(mv *ast.MappingValueNode, out map[string]any, explicit map[string]bool, ptr string, depth int) int {
	kp := nodePos(mv.Key)
	v, size := c.convert(mv.Value, ptr+"/<<", depth+1)
	var sources []map[string]any
	switch v := v.(type) {
	case map[string]any:
		sources = append(sources, v)
	case []any:
		for _, item := range v {
			m, ok := item.(map[string]any)
			if !ok {
				c.fail(kp, ptr, "a merge key (<<) takes a mapping or a list of mappings")
				return size
			}
			sources = append(sources, m)
		}
	default:
		c.fail(kp, ptr, "a merge key (<<) takes a mapping or a list of mappings")
		return size
	}
	delete(c.doc.locs, ptr+"/<<")
	// Earlier sources win over later ones; explicit members win over all.
	for i := len(sources) - 1; i >= 0; i-- {
		for k, val := range sources[i] {
			if explicit[k] {
				continue
			}
			child := ptr + "/" + schemas.EscapePointer(k)
			out[k] = val
			c.doc.locs[child] = located{key: kp, val: kp}
		}
	}
	return size
}

func anchorName(n ast.Node) string {
	if s, ok := n.(*ast.StringNode); ok {
		return s.Value
	}
	if n != nil {
		if tk := n.GetToken(); tk != nil {
			return tk.Value
		}
	}
	return ""
}

// keyText is the text of a scalar mapping key; complex keys are refused.
func keyText(k ast.MapKeyNode) (string, bool) {
	var n ast.Node = k
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		n = mk.Value
	}
	if tn, ok := n.(*ast.TagNode); ok {
		n = tn.Value
	}
	return scalarText(n)
}

func scalarText(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.StringNode:
		return n.Value, true
	case *ast.LiteralNode:
		if n.Value == nil {
			return "", true
		}
		return n.Value.Value, true
	case *ast.IntegerNode:
		return tokenText(n.Token), true
	case *ast.FloatNode:
		return tokenText(n.Token), true
	case *ast.BoolNode:
		return tokenText(n.Token), true
	case *ast.NullNode:
		return tokenText(n.Token), true
	case *ast.InfinityNode:
		return tokenText(n.Token), true
	case *ast.NanNode:
		return tokenText(n.Token), true
	}
	return "", false
}

func tokenText(tk *token.Token) string {
	if tk == nil {
		return ""
	}
	return tk.Value
}
