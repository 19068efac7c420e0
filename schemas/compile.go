package schemas

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Compiled is an embedded schema ready to validate, together with its
// document, from which errors are explained (x-message, enum, properties of
// the failing node).
type Compiled struct {
	*jsonschema.Schema
	raw any
}

// Compile compiles the embedded schema called name. The loader serves only
// embedded files, so compiling never reaches the network.
func Compile(name string) (*Compiled, error) {
	fsys := FS()
	c := jsonschema.NewCompiler()
	c.LoadURL = func(url string) (io.ReadCloser, error) {
		file, ok := strings.CutPrefix(url, BaseURL)
		if !ok {
			return nil, fmt.Errorf("schema %s is not embedded (patchcheck never loads schemas from the network)", url)
		}
		return fsys.Open(file)
	}
	s, err := c.Compile(BaseURL + name)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", name, err)
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	var raw any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	return &Compiled{Schema: s, raw: raw}, nil
}

// Failure is one leaf of a validation error: the keyword that failed, the
// schema object holding it, and where in the instance.
type Failure struct {
	Keyword  string         // e.g. "enum", "type", "additionalProperties", "not"
	Node     map[string]any // the schema object whose keyword failed
	Instance []string       // path of the failing value in the instance
	Pointer  string         // the same path as a JSON pointer ("" for the root)
	Message  string         // the validator's own text
}

// Failures flattens err (from Validate) into its leaves. ok is false when err
// is not a validation error.
func (c *Compiled) Failures(err error) (out []Failure, ok bool) {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, false
	}
	for _, leaf := range leaves(ve) {
		kw := SplitPointer(fragment(leaf.AbsoluteKeywordLocation))
		ptr := leaf.InstanceLocation
		if ptr == "/" {
			ptr = ""
		}
		f := Failure{Instance: SplitPointer(ptr), Pointer: ptr, Message: leaf.Message}
		if n := len(kw); n > 0 {
			f.Keyword = kw[n-1]
			f.Node, _ = Lookup(c.raw, kw[:n-1]).(map[string]any)
		}
		out = append(out, f)
	}
	return out, true
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

func fragment(url string) string {
	if i := strings.IndexByte(url, '#'); i >= 0 {
		return url[i+1:]
	}
	return ""
}

// EscapePointer escapes one key for an RFC 6901 JSON pointer; keys without
// "~" or "/" (nearly all) come back as they are, without allocating.
func EscapePointer(key string) string {
	if !strings.ContainsAny(key, "~/") {
		return key
	}
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}

// SplitPointer splits an RFC 6901 JSON pointer into unescaped segments.
func SplitPointer(p string) []string {
	if p == "" { // the whole document; "/" is the member named ""
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts
}

// Lookup walks path through decoded JSON; nil when it leads nowhere.
func Lookup(node any, path []string) any {
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

// Nearest suggests the allowed spelling closest to a near miss: a case-only
// difference, an edit distance of at most a quarter of the word (at least
// 2), or a prefix of at least three letters; "" when nothing is close.
func Nearest(got string, allowed []string) string {
	if len(got) > 64 {
		return ""
	}
	lower := strings.ToLower(got)
	best, bestDist := "", 1<<30
	for _, a := range allowed {
		la := strings.ToLower(a)
		if la == lower {
			if a == got {
				return ""
			}
			return a
		}
		if d := levenshtein.ComputeDistance(lower, la); d < bestDist {
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

// Strings returns the distinct strings of a decoded JSON array, in order.
func Strings(v any) []string {
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

// Document is the schema as decoded JSON.
func (c *Compiled) Document() any { return c.raw }

// UnknownKeys lists, sorted, the keys of an object value that the schema
// node's properties and patternProperties do not define, and the keys its
// properties define, for "unknown field … did you mean" messages.
func UnknownKeys(node map[string]any, value any) (unknown, known []string) {
	obj, _ := value.(map[string]any)
	props, _ := node["properties"].(map[string]any)
	known = make([]string, 0, len(props))
	for k := range props {
		known = append(known, k)
	}
	sort.Strings(known)
	patterns, _ := node["patternProperties"].(map[string]any)
	for k := range obj {
		if _, ok := props[k]; !ok && !matchesAny(patterns, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	return unknown, known
}

// matchesAny reports whether key matches one of the patterns (the keys of
// a patternProperties), which then makes it known.
func matchesAny(patterns map[string]any, key string) bool {
	for p := range patterns {
		if re, err := regexp.Compile(p); err == nil && re.MatchString(key) {
			return true
		}
	}
	return false
}
