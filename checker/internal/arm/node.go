package arm

import (
	"strconv"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/armexpr"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/schemas"
)

// node is a step in a walk down a resource: the value found (nil when
// absent), its JSON pointer, its human property path, and the unresolved ARM
// expression that hides it, if it or an ancestor is one.
type node struct {
	v        *jsonpos.Value
	offset   int // of the key when reached through an object member, else of the value
	ptr      string
	prop     string
	expr     string // the unresolved expression that stands for this value or an ancestor
	exprNode *node  // the node holding expr (this one or an ancestor)
	reason   string // why expr could not be resolved
	sc       *scope // parameters and variables for resolving expressions
	// resolvedFrom is the expression this value (or an ancestor) was
	// computed from; the value is then synthetic and has no pointer of its
	// own inside the file, so children keep the expression's pointer.
	resolvedFrom string
	related      []model.Related // the places the resolved value came from
}

// child steps into key (matched case-insensitively, as ARM does). canonical
// is the spelling used in messages.
func (n *node) child(key string) *node {
	c := &node{prop: joinProp(n.prop, key), offset: n.offset, sc: n.sc, resolvedFrom: n.resolvedFrom, related: n.related}
	// Inside a resolved value, positions point at the expression itself.
	// The pointer is built once, with the key as the document spells it
	// when it exists: this runs for every property the adapter reads.
	var m *jsonpos.Member
	if n.expr == "" && n.v != nil && n.v.Kind == jsonpos.Object {
		m = n.v.GetMember(key)
	}
	switch {
	case n.resolvedFrom != "":
		c.ptr = n.ptr
	case m != nil:
		c.ptr = n.ptr + "/" + schemas.EscapePointer(m.Key)
	default:
		c.ptr = n.ptr + "/" + key
	}
	if n.expr != "" {
		c.expr, c.exprNode, c.reason = n.expr, n.exprNode, n.reason
		return c
	}
	if m == nil {
		return c
	}
	c.v, c.offset = m.Value, m.KeyOffset
	if n.resolvedFrom != "" {
		if reason, unknown := n.sc.unknown[m.Value]; unknown {
			// An unknown part of a resolved value: unresolved, blamed on the
			// expression that produced it.
			c.expr, c.exprNode, c.reason = n.resolvedFrom, c, reason
			return c
		}
	}
	if e, ok := n.sc.expression(m.Value); ok {
		if n.sc != nil {
			v, related := n.sc.eval(e)
			if u, unknown := v.(armexpr.Unknown); unknown {
				c.reason = u.Reason
			} else {
				c.v, c.resolvedFrom, c.related = n.sc.synthetic(v, m.Value.Offset), e, related
				return c
			}
		}
		c.expr, c.exprNode = e, c
	}
	return c
}

// present reports whether the value exists (even as an expression).
func (n *node) present() bool { return n.v != nil && n.v.Kind != jsonpos.Null }

// object reports whether the value is a literal JSON object.
func (n *node) object() bool { return n.expr == "" && n.v != nil && n.v.Kind == jsonpos.Object }

func joinProp(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// expression reports whether v is an ARM template expression: a string in
// square brackets. "[[" escapes a literal bracket and is not an expression.
func expression(v *jsonpos.Value) (string, bool) {
	if v == nil || v.Kind != jsonpos.String {
		return "", false
	}
	if !armexpr.IsExpression(v.Str) {
		return "", false
	}
	return strings.TrimSpace(v.Str), true
}

// literalString returns a string value with ARM's "[[" escape undone.
func literalString(v *jsonpos.Value) string {
	if strings.HasPrefix(v.Str, "[[") {
		return v.Str[1:]
	}
	return v.Str
}

func indexPointer(ptr string, i int) string { return ptr + "/" + strconv.Itoa(i) }

// IsExpression reports whether v is an unresolved ARM template expression.
func IsExpression(v *jsonpos.Value) bool {
	_, ok := expression(v)
	return ok
}
