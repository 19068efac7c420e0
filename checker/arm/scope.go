package arm

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/patchcheck/patchcheck/checker/armexpr"
	"github.com/patchcheck/patchcheck/checker/jsonpos"
)

// scope resolves the parameters and variables of one template for the
// expression evaluator. Values are computed on first use and remembered;
// a variable that refers to itself is unknown, not a hang.
type scope struct {
	params   map[string]*jsonpos.Value // lower-case name -> declaration
	supplied map[string]func() any     // lower-case name -> value given by the caller (nested deployment)
	vars     map[string]*jsonpos.Value
	cache    map[string]any
	busy     map[string]bool
}

func newScope(template *jsonpos.Value) *scope {
	s := &scope{
		params: map[string]*jsonpos.Value{}, supplied: map[string]func() any{},
		vars: map[string]*jsonpos.Value{}, cache: map[string]any{}, busy: map[string]bool{},
	}
	if template == nil || template.Kind != jsonpos.Object {
		return s
	}
	if p := template.Get("parameters"); p != nil && p.Kind == jsonpos.Object {
		for _, m := range p.Members {
			s.params[strings.ToLower(m.Key)] = m.Value
		}
	}
	if v := template.Get("variables"); v != nil && v.Kind == jsonpos.Object {
		for _, m := range v.Members {
			s.vars[strings.ToLower(m.Key)] = m.Value
		}
	}
	return s
}

// Parameter implements armexpr.Scope: a supplied value, else the
// parameter's defaultValue.
func (s *scope) Parameter(name string) any {
	key := "p:" + strings.ToLower(name)
	return s.memo(key, func() any {
		if f, ok := s.supplied[strings.ToLower(name)]; ok {
			return f()
		}
		decl, ok := s.params[strings.ToLower(name)]
		if !ok {
			return armexpr.Unknown{Reason: fmt.Sprintf("parameter '%s' is not declared", name)}
		}
		def := decl.Get("defaultValue")
		if def == nil {
			return armexpr.Unknown{Reason: fmt.Sprintf("parameter '%s' has no defaultValue and no value was supplied", name)}
		}
		return s.resolve(def)
	})
}

// Variable implements armexpr.Scope.
func (s *scope) Variable(name string) any {
	key := "v:" + strings.ToLower(name)
	return s.memo(key, func() any {
		v, ok := s.vars[strings.ToLower(name)]
		if !ok {
			return armexpr.Unknown{Reason: fmt.Sprintf("variable '%s' is not defined", name)}
		}
		return s.resolve(v)
	})
}

func (s *scope) memo(key string, compute func() any) any {
	if v, ok := s.cache[key]; ok {
		return v
	}
	if s.busy[key] {
		return armexpr.Unknown{Reason: fmt.Sprintf("%s refers to itself", key[2:])}
	}
	s.busy[key] = true
	v := compute()
	delete(s.busy, key)
	s.cache[key] = v
	return v
}

// resolve turns a template value into a plain value, evaluating every
// expression inside it (ARM evaluates expressions nested in variables and
// default values too). Any unknown part makes the whole value unknown.
func (s *scope) resolve(v *jsonpos.Value) any {
	switch v.Kind {
	case jsonpos.String:
		if armexpr.IsExpression(v.Str) {
			return armexpr.Eval(v.Str, s)
		}
		return literalString(v)
	case jsonpos.Number:
		f, err := strconv.ParseFloat(v.Str, 64)
		if err != nil {
			return armexpr.Unknown{Reason: "bad number " + v.Str}
		}
		return f
	case jsonpos.Bool:
		return v.Bool
	case jsonpos.Null:
		return nil
	case jsonpos.Array:
		out := make([]any, len(v.Items))
		for i, item := range v.Items {
			x := s.resolve(item)
			if u, ok := x.(armexpr.Unknown); ok {
				return u
			}
			out[i] = x
		}
		return out
	case jsonpos.Object:
		out := make(map[string]any, len(v.Members))
		for _, m := range v.Members {
			x := s.resolve(m.Value)
			if u, ok := x.(armexpr.Unknown); ok {
				return u
			}
			out[m.Key] = x
		}
		return out
	}
	return armexpr.Unknown{Reason: "unsupported value"}
}

// synthetic turns a resolved value into a jsonpos tree whose every offset is
// the expression's, so findings about it point at the expression.
func synthetic(v any, offset int) *jsonpos.Value {
	out := &jsonpos.Value{Offset: offset}
	switch x := v.(type) {
	case string:
		out.Kind, out.Str = jsonpos.String, x
	case float64:
		out.Kind, out.Str = jsonpos.Number, strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		out.Kind, out.Bool = jsonpos.Bool, x
	case nil:
		out.Kind = jsonpos.Null
	case []any:
		out.Kind = jsonpos.Array
		for _, item := range x {
			out.Items = append(out.Items, synthetic(item, offset))
		}
	case map[string]any:
		out.Kind = jsonpos.Object
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out.Members = append(out.Members, jsonpos.Member{Key: k, KeyOffset: offset, Value: synthetic(x[k], offset)})
		}
	default:
		out.Kind = jsonpos.Null
	}
	return out
}
