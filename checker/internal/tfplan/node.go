package tfplan

import (
	"strconv"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/schemas"
)

// node is one step in a walk down a planned resource object. The value comes
// from terraform-json's decoding of the plan; the position comes from the
// jsonpos tree of the same file, found by following the same keys. The two
// walks are independent, so a value whose position cannot be found still
// counts (its location falls back to the resource).
type node struct {
	val any  // decoded value; nil when absent, null or unknown
	has bool // the key exists in the planned object (its value may be null)
	unk any  // the matching part of after_unknown: true, an object, a list or nil

	at  *jsonpos.Value // the value in the file; nil when not found
	off int            // offset of the member's key, or of an element
	ptr string         // JSON pointer of the value in the file

	uat  *jsonpos.Value // the matching part of after_unknown in the file
	uoff int
	uptr string

	prop string // Terraform attribute path, e.g. os_profile.windows_configuration.patch_mode

	// unknown is the node after_unknown marks as known only after apply:
	// this node or an ancestor. nil when the value is known.
	unknown *node
}

// child steps into the attribute key of an object.
func (n *node) child(key string) *node {
	c := &node{prop: joinProp(n.prop, key), ptr: n.ptr + "/" + schemas.EscapePointer(key), uptr: n.uptr + "/" + schemas.EscapePointer(key)}
	if n.unknown != nil {
		c.unknown = n.unknown
		return c
	}
	if m, ok := n.val.(map[string]any); ok {
		c.val, c.has = m[key]
	}
	if m, ok := n.unk.(map[string]any); ok {
		c.unk = m[key]
	}
	if mem := exactMember(n.at, key); mem != nil {
		c.at, c.off = mem.Value, mem.KeyOffset
	}
	if mem := exactMember(n.uat, key); mem != nil {
		c.uat, c.uoff = mem.Value, mem.KeyOffset
	}
	c.markUnknown()
	return c
}

// block steps into a nested block, which plans hold as a list of objects
// (one for the blocks patchcheck reads), and returns its first element. The
// property path keeps the block's name without an index. An empty list is
// an absent block.
func (n *node) block(key string) *node {
	c := n.child(key)
	if c.unknown != nil {
		return c
	}
	if _, ok := c.val.(map[string]any); ok {
		return c // a hand-written plan may give a single block as an object
	}
	e := &node{prop: c.prop, ptr: c.ptr + "/0", uptr: c.uptr + "/0", off: c.off, uoff: c.uoff}
	list, _ := c.val.([]any)
	if len(list) == 0 {
		return e
	}
	e.val, e.has = list[0], true
	if l, ok := c.unk.([]any); ok && len(l) > 0 {
		e.unk = l[0]
	}
	if c.at != nil && c.at.Kind == jsonpos.Array && len(c.at.Items) > 0 {
		e.at = c.at.Items[0]
		e.off = e.at.Offset
	}
	if c.uat != nil && c.uat.Kind == jsonpos.Array && len(c.uat.Items) > 0 {
		e.uat = c.uat.Items[0]
		e.uoff = e.uat.Offset
	}
	e.markUnknown()
	return e
}

func (n *node) markUnknown() {
	if b, ok := n.unk.(bool); ok && b {
		n.unknown, n.val = n, nil
	}
}

// set reports whether the attribute will have a value after apply: it is
// unknown, or known and neither null, "" nor an empty list. The azurerm
// provider (plugin SDK v2) stores unset optional strings as "", so "" is no
// value.
func (n *node) set() bool {
	if n.unknown != nil {
		return true
	}
	switch v := n.val.(type) {
	case nil:
		return false
	case string:
		return v != ""
	case []any:
		return len(v) > 0
	}
	return true
}

// exactMember returns the last member of an object whose key is exactly key,
// the one encoding/json keeps when it decodes the object into a map.
func exactMember(v *jsonpos.Value, key string) *jsonpos.Member {
	if v == nil || v.Kind != jsonpos.Object {
		return nil
	}
	for i := len(v.Members) - 1; i >= 0; i-- {
		if v.Members[i].Key == key {
			return &v.Members[i]
		}
	}
	return nil
}

// field returns the value of a field of the plan's own structure (not of a
// resource's attributes). encoding/json matches struct fields with
// bytes.EqualFold and the last matching key wins, exactly as jsonpos's Get.
func field(v *jsonpos.Value, key string) *jsonpos.Value { return v.Get(key) }

// item returns element i of an array, or nil.
func item(v *jsonpos.Value, i int) *jsonpos.Value {
	if v == nil || v.Kind != jsonpos.Array || i < 0 || i >= len(v.Items) {
		return nil
	}
	return v.Items[i]
}

func joinProp(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func itoa(i int) string { return strconv.Itoa(i) }
