package schema

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/schemas"
)

// explain turns one validator error into messages a template author can act
// on, pinned to the offending property in the file.
func (v *Validator) explain(doc *jsonpos.Document, vm *arm.VM, instance any, f schemas.Failure) []model.SchemaError {
	keyword, node, instPath := f.Keyword, f.Node, f.Instance
	value := schemas.Lookup(instance, instPath)
	where := func(path []string) model.SchemaError {
		return model.SchemaError{Property: strings.Join(path, "."), Loc: v.locate(doc, vm, path)}
	}

	if msg, ok := node["x-message"].(string); ok {
		e := where(instPath)
		e.Message = msg
		return []model.SchemaError{e}
	}
	switch keyword {
	case "enum":
		allowed := schemas.Strings(node["enum"])
		e := where(instPath)
		e.Message = fmt.Sprintf("%s is not an allowed value (allowed: %s)", describe(value), strings.Join(allowed, ", "))
		if s, ok := value.(string); ok {
			if near := schemas.Nearest(s, allowed); near != "" {
				e.Message += fmt.Sprintf("; did you mean %q?", near)
			}
		}
		return []model.SchemaError{e}
	case "type":
		e := where(instPath)
		e.Message = fmt.Sprintf("expected %v, found %s", node["type"], describe(value))
		if s, ok := value.(string); ok && node["type"] == "boolean" && model.IsStringBool(s) {
			// Azure accepts it: a warning, and the adapter has read the
			// boolean Azure will use.
			e.Message, e.Severity = model.StringBoolMessage(s), model.Warning
		}
		return []model.SchemaError{e}
	case "additionalProperties":
		return v.unknownProperties(node, value, instPath, where)
	}
	e := where(instPath)
	e.Message = f.Message
	return []model.SchemaError{e}
}

// unknownProperties reports each key the schema does not define, one error
// per key, at the key itself.
func (v *Validator) unknownProperties(node map[string]any, value any, path []string, where func([]string) model.SchemaError) []model.SchemaError {
	keys, known := schemas.UnknownKeys(node, value)
	var out []model.SchemaError
	for _, k := range keys {
		e := where(append(append([]string{}, path...), k))
		parent := "this object"
		if len(path) > 0 {
			parent = path[len(path)-1]
		}
		e.Message = fmt.Sprintf("unknown property %q in %s (known: %s)", k, parent, strings.Join(known, ", "))
		if near := schemas.Nearest(k, known); near != "" {
			e.Message += fmt.Sprintf("; did you mean %q?", near)
		}
		out = append(out, e)
	}
	return out
}

// locate maps a path in the canonical instance back to the file: keys are
// matched case-insensitively in the original osProfile, as they were when
// the instance was built.
func (v *Validator) locate(doc *jsonpos.Document, vm *arm.VM, path []string) model.Loc {
	if len(path) == 0 || path[0] != "osProfile" {
		return vm.Facts.Loc
	}
	cur, offset, ptr := vm.OSProfile, vm.OSProfile.Offset, vm.OSProfilePointer
	for _, seg := range path[1:] {
		switch {
		case cur == nil:
		case cur.Kind == jsonpos.Object:
			m := cur.GetMember(seg)
			if m == nil {
				cur = nil
				continue
			}
			cur, offset, ptr = m.Value, m.KeyOffset, ptr+"/"+schemas.EscapePointer(m.Key)
		case cur.Kind == jsonpos.Array:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(cur.Items) {
				cur = nil
				continue
			}
			cur, offset, ptr = cur.Items[i], cur.Items[i].Offset, ptr+"/"+seg
		default:
			cur = nil
		}
	}
	line, col := doc.Position(offset)
	return model.Loc{Pointer: ptr, Line: line, Column: col}
}

func describe(v any) string { return model.Describe(v) }
