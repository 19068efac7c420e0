package fleet

import (
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/patchcheck/patchcheck/schemas"
)

// validator is the compiled fleet schema.
type validator struct {
	schema *schemas.Compiled
}

var compiled = sync.OnceValues(func() (*validator, error) {
	s, err := schemas.Compile(schemas.Fleet)
	if err != nil {
		return nil, err
	}
	return &validator{schema: s}, nil
})

// validate checks the document against the schema and explains every
// violation at its place in the file.
func (v *validator) validate(doc *document) Errors {
	if v.valid(doc.root, validPartVMs) {
		return nil
	}
	err := v.schema.Validate(doc.root)
	if err == nil {
		return nil
	}
	failures, ok := v.schema.Failures(err)
	if !ok {
		return Errors{doc.errAt("", err.Error())}
	}
	var out Errors
	for _, f := range failures {
		out = append(out, v.explain(doc, f)...)
	}
	return out
}

// validPartVMs is how many VMs one goroutine validates at least.
const validPartVMs = 20_000

// valid reports whether root passes the schema, quickly on a large fleet:
//   - VMs that differ only in their name are judged alike, so only one of
//     each kind is validated (a large fleet repeats the same settings over
//     and over under different names);
//   - the rest is validated as several documents, each with all of root
//     but a share of the VMs, on every core.
//
// Both are exact because the schema judges each VM on its own (no keyword
// relates one VM to another, such as uniqueItems) and asks nothing of a
// name but a non-empty string; TestVMsAreJudgedAlone guards both premises.
// On a violation, validate runs the whole document again to explain it.
func (v *validator) valid(root any, minPart int) bool {
	m, _ := root.(map[string]any)
	vms, ok := m["vms"].([]any)
	if !ok || len(vms) < 2 {
		return v.schema.Validate(root) == nil
	}
	vms = distinctVMs(vms)
	parts := max(1, min(runtime.GOMAXPROCS(0), len(vms)/minPart))
	passed := make([]bool, parts)
	var wg sync.WaitGroup
	for i := range parts {
		share := make(map[string]any, len(m))
		for k, val := range m {
			share[k] = val
		}
		share["vms"] = vms[len(vms)*i/parts : len(vms)*(i+1)/parts]
		wg.Go(func() { passed[i] = v.schema.Validate(share) == nil })
	}
	wg.Wait()
	for _, good := range passed {
		if !good {
			return false
		}
	}
	return true
}

// distinctVMs keeps the first VM of each kind, where VMs whose name is a
// non-empty string are of one kind when all their other members are equal.
func distinctVMs(vms []any) []any {
	seen := map[string]bool{}
	var out []any
	var key []byte
	for _, item := range vms {
		key = key[:0]
		if vm, ok := item.(map[string]any); ok {
			if name, ok := vm["name"].(string); ok && name != "" {
				key = appendCanonical(append(key, 'N'), vm, "name")
			}
		}
		if len(key) == 0 {
			key = appendCanonical(append(key, 'V'), item, "")
		}
		if !seen[string(key)] {
			seen[string(key)] = true
			out = append(out, item)
		}
	}
	return out
}

// appendCanonical encodes a document value so that equal values, and only
// they, encode alike: map members sorted, every part typed and
// length-prefixed. skip leaves out one member of a top-level map.
func appendCanonical(b []byte, v any, skip string) []byte {
	str := func(b []byte, tag byte, s string) []byte {
		b = strconv.AppendInt(append(b, tag), int64(len(s)), 10)
		return append(append(b, ':'), s...)
	}
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			if k != skip {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		b = strconv.AppendInt(append(b, '{'), int64(len(keys)), 10)
		for _, k := range keys {
			b = appendCanonical(str(b, 'k', k), v[k], "")
		}
		return b
	case []any:
		b = strconv.AppendInt(append(b, '['), int64(len(v)), 10)
		for _, item := range v {
			b = appendCanonical(b, item, "")
		}
		return b
	case string:
		return str(b, 's', v)
	case json.Number:
		return str(b, 'n', string(v))
	case bool:
		return strconv.AppendBool(append(b, 'b'), v)
	case nil:
		return append(b, '0')
	default:
		return str(b, '?', fmt.Sprintf("%T %v", v, v))
	}
}

// explain turns one validator error into errors a fleet author can act on.
func (v *validator) explain(doc *document, f schemas.Failure) Errors {
	keyword, node, ptr := f.Keyword, f.Node, f.Pointer
	value := schemas.Lookup(doc.root, f.Instance)

	switch keyword {
	case "additionalProperties":
		return unknownProperties(doc, node, value, ptr)
	case "required":
		return missingProperties(doc, node, value, ptr)
	case "minItems":
		// An empty list is better said plainly ("the fleet has no VMs")
		// than as a list of the wrong kind, which x-message describes.
		if msg, ok := node["x-empty"].(string); ok {
			if list, ok := value.([]any); ok && len(list) == 0 {
				return Errors{doc.errAt(ptr, msg)}
			}
		}
	}
	if msg, ok := node["x-message"].(string); ok {
		if at, ok := node["x-at"].(string); ok {
			if obj, ok := value.(map[string]any); ok {
				if _, ok := obj[at]; ok {
					return Errors{doc.errAtKey(ptr+"/"+schemas.EscapePointer(at), msg)}
				}
			}
		}
		if keyword != "not" {
			msg += "; found " + describe(value) + quotedBoolHint(node, value)
		}
		return Errors{doc.errAt(ptr, msg)}
	}
	switch keyword {
	case "enum":
		allowed := schemas.Strings(node["enum"])
		msg := fmt.Sprintf("expected one of %s; found %s", strings.Join(allowed, ", "), describe(value))
		if s, ok := value.(string); ok {
			if near := schemas.Nearest(s, allowed); near != "" {
				msg += fmt.Sprintf("; did you mean %q?", near)
			}
		}
		return Errors{doc.errAt(ptr, msg)}
	case "type":
		msg := fmt.Sprintf("expected %s, found %s", typeName(node["type"]), describe(value)) + quotedBoolHint(node, value)
		return Errors{doc.errAt(ptr, msg)}
	}
	return Errors{doc.errAt(ptr, f.Message)}
}

// unknownProperties reports each key the schema does not define, at the key.
func unknownProperties(doc *document, node map[string]any, value any, ptr string) Errors {
	keys, known := schemas.UnknownKeys(node, value)
	where := "here"
	if f := fieldOf(ptr); f != "" {
		where = "in " + f
	}
	var out Errors
	for _, k := range keys {
		msg := fmt.Sprintf("unknown field %q %s", k, where)
		if near := schemas.Nearest(k, known); near != "" {
			msg += fmt.Sprintf("; did you mean %q?", near)
		} else {
			msg += fmt.Sprintf(" (expected one of: %s)", strings.Join(known, ", "))
		}
		out = append(out, doc.errAtKey(ptr+"/"+schemas.EscapePointer(k), msg))
	}
	return out
}

// missingProperties reports each required property the object lacks, at the
// object, naming the missing field.
func missingProperties(doc *document, node map[string]any, value any, ptr string) Errors {
	obj, _ := value.(map[string]any)
	custom, _ := node["x-message"].(string)
	var out Errors
	for _, name := range schemas.Strings(node["required"]) {
		if _, ok := obj[name]; ok {
			continue
		}
		msg := custom
		if msg == "" {
			msg = fmt.Sprintf("missing required field %q", name)
		}
		e := doc.errAt(ptr, msg)
		e.Field = joinField(e.Field, name)
		out = append(out, e)
	}
	return out
}

func joinField(parent, name string) string {
	return parent + fieldSegment(parent == "", name)
}

// quotedBoolHint helps with enableAutomaticUpdates: "true".
func quotedBoolHint(node map[string]any, value any) string {
	if s, ok := value.(string); ok && node["type"] == "boolean" && (strings.EqualFold(s, "true") || strings.EqualFold(s, "false")) {
		return fmt.Sprintf("; write %s without quotes", strings.ToLower(s))
	}
	return ""
}

func typeName(t any) string {
	switch t {
	case "integer":
		return "a whole number"
	case "number":
		return "a number"
	case "string":
		return "a string"
	case "boolean":
		return "true or false"
	case "object":
		return "a mapping"
	case "array":
		return "a list"
	}
	return fmt.Sprint(t)
}

func describe(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case nil:
		return "nothing (null)"
	case bool:
		return strconv.FormatBool(x)
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case json.Number:
		return x.String()
	}
	return fmt.Sprint(v)
}
