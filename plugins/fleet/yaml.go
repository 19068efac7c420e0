package fleet

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/patchcheck/patchcheck/schemas"
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

// parseYAML reads a YAML file through a full syntax tree, which places
// every value and handles anchors, aliases and merge keys, and writes it
// as JSON for the reader. A file that is not well-formed YAML, holds
// several documents or uses aliases beyond reason fails here, before any
// schema validation.
func parseYAML(name string, data []byte, aliasLimit int) (*document, []byte, Errors) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, nil, Errors{syntaxError(name, err)}
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
		return nil, nil, Errors{{File: name, Line: 1, Column: 1, Message: "the file is empty; expected a fleet with release and vms"}}
	}
	if len(docs) > 1 {
		p := nodePos(docs[1].Body)
		if docs[1].Start != nil {
			p = tokenPos(docs[1].Start)
		}
		return nil, nil, Errors{{File: name, Line: p.Line, Column: p.Column, Message: "a fleet file holds one YAML document; found another"}}
	}
	body := docs[0].Body
	c := &converter{doc: &document{file: name, tree: body}, anchors: map[string]anchored{}, aliasLimit: aliasLimit}
	root, _ := c.convert(body, "", 0)
	if len(c.errs) > 0 {
		return nil, nil, sortErrors(c.errs)
	}
	text, err := json.Marshal(root)
	if err != nil {
		return nil, nil, Errors{c.doc.errAt("", "internal error: "+err.Error())}
	}
	return c.doc, text, nil
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

// convert turns the node at ptr into a plain value. It returns the value
// and its size in nodes (aliases counted expanded).
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
			v, s := c.convert(item, ptr+"/"+strconv.Itoa(i), depth+1)
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
		if !ok {
			c.fail(nodePos(mv.Key), ptr, "mapping keys must be plain strings")
			continue
		}
		child := ptr + "/" + schemas.EscapePointer(key)
		if explicit[key] {
			c.fail(nodePos(mv.Key), child, "duplicate key %q", key)
			continue
		}
		explicit[key] = true
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
	// Earlier sources win over later ones; explicit members win over all.
	for i := len(sources) - 1; i >= 0; i-- {
		for k, val := range sources[i] {
			if !explicit[k] {
				out[k] = val
			}
		}
	}
	return size
}

// locateYAML finds where the value at the pointer segs is in the tree: a
// mapping member at its key and value, a member merged in (<<) at the
// merge key, and anything reached through an alias at the alias.
func locateYAML(n ast.Node, segs []string) located {
	l := located{val: nodePos(n)}
	if l.val.Line == 0 {
		l.val = pos{1, 1}
	}
	for _, seg := range segs {
		for {
			switch m := n.(type) {
			case *ast.AnchorNode:
				n = m.Value
				continue
			case *ast.TagNode:
				n = m.Value
				continue
			}
			break
		}
		var values []*ast.MappingValueNode
		switch m := n.(type) {
		case *ast.MappingNode:
			values = m.Values
		case *ast.MappingValueNode:
			values = []*ast.MappingValueNode{m}
		case *ast.SequenceNode:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(m.Values) {
				return l
			}
			n = m.Values[i]
			l = located{val: nodePos(n)}
			continue
		default:
			return l // a scalar, or an alias
		}
		var merge *ast.MappingValueNode
		n = nil
		for _, mv := range values {
			if mv == nil || mv.Key == nil {
				continue
			}
			if mv.Key.IsMergeKey() {
				merge = cmp.Or(merge, mv)
				continue
			}
			if key, ok := keyText(mv.Key); ok && key == seg {
				n = mv.Value
				l = located{key: nodePos(mv.Key), val: nodePos(mv.Value)}
				break
			}
		}
		if n == nil {
			if merge != nil {
				kp := nodePos(merge.Key)
				return located{key: kp, val: kp}
			}
			return l
		}
	}
	return l
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
