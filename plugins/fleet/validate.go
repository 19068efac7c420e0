package fleet

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"

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

// validate runs the schema on instance and explains every violation at
// its place in the file. keep, unless nil, chooses the violations to
// report and gives the pointer to report each at.
func (v *validator) validate(doc *document, instance any, keep func(ptr string) (string, bool)) Errors {
	err := v.schema.Validate(instance)
	if err == nil {
		return nil
	}
	failures, ok := v.schema.Failures(err)
	if !ok {
		return Errors{doc.errAt("", err.Error())}
	}
	var out Errors
	for _, f := range failures {
		ptr := f.Pointer
		if keep != nil {
			if ptr, ok = keep(ptr); !ok {
				continue
			}
		}
		out = append(out, v.explain(doc, f, schemas.Lookup(instance, f.Instance), ptr)...)
	}
	return out
}

// explain turns one validator error, about value, into errors at ptr a
// fleet author can act on.
func (v *validator) explain(doc *document, f schemas.Failure, value any, ptr string) Errors {
	keyword, node := f.Keyword, f.Node

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
			msg += "; found " + describe(value) + quotedBoolHint(node, value) + regionHint(node, value)
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

// regionHint helps with a known region written as Azure shows it to
// people ("West Europe") or in another case ("EastUS").
func regionHint(node map[string]any, value any) string {
	s, ok := value.(string)
	if !ok || node["x-hint"] != "region" {
		return ""
	}
	tab, err := regionTable()
	if err != nil {
		return ""
	}
	name := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '_' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	if r, ok := tab.Lookup(name); ok {
		return fmt.Sprintf("; did you mean %q?", r.Name)
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
