// Package jsonpos parses JSON the way Azure Resource Manager accepts it
// (comments, BOM, trailing commas) into a tree in which every value keeps its
// byte offset; it is hand-written because no standard or third-party decoder
// offers comments, source offsets and cheap case-insensitive property lookup
// together at the speed a linter's hot path needs.
package jsonpos

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/patchcheck/patchcheck/checker/model"
)

// Kind is the JSON type of a Value.
type Kind uint8

// The JSON value kinds.
const (
	Null Kind = iota
	Bool
	Number
	String
	Object
	Array
)

var kindNames = [...]string{
	Null:   "null",
	Bool:   "boolean",
	Number: "number",
	String: "string",
	Object: "object",
	Array:  "array",
}

// String returns the JSON name of the kind: "null", "boolean", "number",
// "string", "object" or "array".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one JSON value together with its position in the source.
//
// Values returned by Parse share memory with each other (they are allocated
// in blocks), so holding on to any Value keeps its neighbours alive too. They
// must be treated as read-only.
type Value struct {
	Kind   Kind
	Offset int    // byte offset of the value's first byte in the source given to Parse
	Str    string // String: decoded text; Number: the literal as written (e.g. "1.5e3")
	Bool   bool
	// Members of an Object, in source order, duplicates kept.
	Members []Member
	// Items of an Array, in source order.
	Items []*Value
}

// Member is one "key": value pair of an object.
type Member struct {
	Key       string // decoded key
	KeyOffset int    // byte offset of the key's opening quote
	Value     *Value
}

// Get returns the value of the last member whose key equals key
// case-insensitively (ARM property names are case-insensitive and, as with
// Newtonsoft, the last duplicate wins). It returns nil if v is nil, is not
// an object, or has no such member.
func (v *Value) Get(key string) *Value {
	if m := v.GetMember(key); m != nil {
		return m.Value
	}
	return nil
}

// GetMember is like Get but returns the member itself, giving access to the
// key as spelled in the source and its offset.
func (v *Value) GetMember(key string) *Member {
	if v == nil || v.Kind != Object {
		return nil
	}
	ms := v.Members
	for i := len(ms) - 1; i >= 0; i-- {
		k := ms[i].Key
		if len(k) == len(key) && k == key || strings.EqualFold(k, key) {
			return &ms[i]
		}
	}
	return nil
}

// Interface converts v to the plain Go values encoding/json produces when
// decoding into an interface{} with UseNumber: map[string]any, []any,
// string, bool, nil and json.Number. For duplicate keys the last one wins.
// A nil receiver yields nil.
func (v *Value) Interface() any {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case Bool:
		return v.Bool
	case Number:
		return json.Number(v.Str)
	case String:
		return v.Str
	case Object:
		m := make(map[string]any, len(v.Members))
		for _, mem := range v.Members {
			m[mem.Key] = mem.Value.Interface()
		}
		return m
	case Array:
		a := make([]any, len(v.Items))
		for i, it := range v.Items {
			a[i] = it.Interface()
		}
		return a
	}
	return nil
}

// SyntaxError describes malformed input.
type SyntaxError struct {
	model.Position     // where the input breaks; Parse always sets the line
	Offset         int // byte offset into the source
	Msg            string
}

// Error returns "FILE:LINE:COL: MSG".
func (e *SyntaxError) Error() string {
	return e.Position.String() + ": " + e.Msg
}
