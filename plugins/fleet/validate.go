package fleet

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/agnivade/levenshtein"
	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/patchcheck/patchcheck/schemas"
)

// validator is the compiled fleet schema and its raw document (to read
// x-message, x-at, enum and properties of a failing node).
type validator struct {
	schema *jsonschema.Schema
	raw    any
}

var compiled = sync.OnceValues(compileSchema)

// compileSchema compiles the embedded fleet schema. The loader serves only
// embedded files, so compiling never reaches the network.
func compileSchema() (*validator, error) {
	fsys := schemas.FS()
	c := jsonschema.NewCompiler()
	c.LoadURL = func(url string) (io.ReadCloser, error) {
		name, ok := strings.CutPrefix(url, schemas.BaseURL)
		if !ok {
			return nil, fmt.Errorf("schema %s is not embedded (patchcheck never loads schemas from the network)", url)
		}
		return fsys.Open(name)
	}
	s, err := c.Compile(schemas.BaseURL + schemas.Fleet)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", schemas.Fleet, err)
	}
	data, err := fs.ReadFile(fsys, schemas.Fleet)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", schemas.Fleet, err)
	}
	var raw any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse %s: %w", schemas.Fleet, err)
	}
	return &validator{schema: s, raw: raw}, nil
}

// validate checks the document against the schema and explains every
// violation at its place in the file.
func (v *validator) validate(doc *document) Errors {
	err := v.schema.Validate(doc.root)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return Errors{doc.errAt("", err.Error())}
	}
	var out Errors
	for _, leaf := range leaves(ve) {
		out = append(out, v.explain(doc, leaf)...)
	}
	return out
}

func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// explain turns one validator error into errors a fleet author can act on.
func (v *validator) explain(doc *document, leaf *jsonschema.ValidationError) Errors {
	keywordPath := splitPointer(fragment(leaf.AbsoluteKeywordLocation))
	keyword := ""
	if n := len(keywordPath); n > 0 {
		keyword = keywordPath[n-1]
	}
	node, _ := lookup(v.raw, keywordPath[:max(len(keywordPath)-1, 0)]).(map[string]any)
	ptr := leaf.InstanceLocation
	if ptr == "/" {
		ptr = ""
	}
	value := lookup(doc.root, splitPointer(ptr))

	switch keyword {
	case "additionalProperties":
		return unknownProperties(doc, node, value, ptr)
	case "required":
		return missingProperties(doc, node, value, ptr)
	}
	if msg, ok := node["x-message"].(string); ok {
		if at, ok := node["x-at"].(string); ok {
			if obj, ok := value.(map[string]any); ok {
				if _, ok := obj[at]; ok {
					return Errors{doc.errAtKey(ptr+"/"+escapePointer(at), msg)}
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
		allowed := toStrings(node["enum"])
		msg := fmt.Sprintf("expected one of %s; found %s", strings.Join(allowed, ", "), describe(value))
		if s, ok := value.(string); ok {
			if near := nearest(s, allowed); near != "" {
				msg += fmt.Sprintf("; did you mean %q?", near)
			}
		}
		return Errors{doc.errAt(ptr, msg)}
	case "type":
		msg := fmt.Sprintf("expected %s, found %s", typeName(node["type"]), describe(value)) + quotedBoolHint(node, value)
		return Errors{doc.errAt(ptr, msg)}
	}
	return Errors{doc.errAt(ptr, leaf.Message)}
}

// unknownProperties reports each key the schema does not define, at the key.
func unknownProperties(doc *document, node map[string]any, value any, ptr string) Errors {
	obj, _ := value.(map[string]any)
	props, _ := node["properties"].(map[string]any)
	known := make([]string, 0, len(props))
	for k := range props {
		known = append(known, k)
	}
	sort.Strings(known)
	var keys []string
	for k := range obj {
		if _, ok := props[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	where := "here"
	if f := fieldOf(ptr); f != "" {
		where = "in " + f
	}
	var out Errors
	for _, k := range keys {
		msg := fmt.Sprintf("unknown field %q %s", k, where)
		if near := nearest(k, known); near != "" {
			msg += fmt.Sprintf("; did you mean %q?", near)
		} else {
			msg += fmt.Sprintf(" (expected one of: %s)", strings.Join(known, ", "))
		}
		out = append(out, doc.errAtKey(ptr+"/"+escapePointer(k), msg))
	}
	return out
}

// missingProperties reports each required property the object lacks, at the
// object, naming the missing field.
func missingProperties(doc *document, node map[string]any, value any, ptr string) Errors {
	obj, _ := value.(map[string]any)
	custom, _ := node["x-message"].(string)
	var out Errors
	for _, name := range toStrings(node["required"]) {
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

// nearest suggests the closest allowed spelling for a near miss: a case-only
// difference, a prefix ("Monday" for "Mon") or an edit distance of at most a
// quarter of the word (at least 2).
func nearest(got string, allowed []string) string {
	if len(got) > 64 {
		return ""
	}
	lower := strings.ToLower(got)
	best, bestDist := "", 1<<30
	for _, a := range allowed {
		la := strings.ToLower(a)
		if la == lower {
			return a
		}
		d := levenshtein.ComputeDistance(lower, la)
		if d < bestDist {
			best, bestDist = a, d
		}
	}
	if best != "" && bestDist <= max(2, len(best)/4) {
		return best
	}
	if len(lower) >= 3 {
		for _, a := range allowed {
			la := strings.ToLower(a)
			if strings.HasPrefix(lower, la) || strings.HasPrefix(la, lower) {
				return a
			}
		}
	}
	return ""
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

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	seen := map[string]bool{}
	for _, x := range list {
		s := fmt.Sprint(x)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func fragment(url string) string {
	if i := strings.IndexByte(url, '#'); i >= 0 {
		return url[i+1:]
	}
	return ""
}

func lookup(node any, path []string) any {
	for _, seg := range path {
		switch n := node.(type) {
		case map[string]any:
			node = n[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(n) {
				return nil
			}
			node = n[i]
		default:
			return nil
		}
	}
	return node
}
