package armexpr

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Unknown is a value the evaluator cannot know, with the reason; it
// propagates through every function that needs it.
type Unknown struct{ Reason string }

func (u Unknown) String() string { return "unknown (" + u.Reason + ")" }

// Scope supplies what expressions refer to. Each returns an Unknown value
// when there is nothing to say.
type Scope interface {
	Parameter(name string) any
	Variable(name string) any
}

// ContextScope is optionally implemented by a Scope that knows something of
// the deployment context. function is the lower-case name of a deployment
// context function without arguments ("subscription", "resourcegroup",
// "deployment", "environment", "tenant", "managementgroup"). Context
// returns that function's value (a JSON-like value, possibly an object with
// Unknown leaves), or nil when the scope has nothing to say, in which case
// the evaluator's default is used: an object whose properties are Unknown
// leaves saying what is not known.
type ContextScope interface {
	Context(function string) any
}

// Eval evaluates an expression. The result is a JSON-like value (string,
// float64, bool, nil, map[string]any, []any) or an Unknown.
func Eval(expr string, scope Scope) any {
	n, err := parse(expr)
	if err != nil {
		return Unknown{err.Error()}
	}
	return (&evaluator{scope: scope}).eval(n)
}

type evaluator struct {
	scope Scope
	depth int
}

const maxDepth = 64

func (e *evaluator) eval(n node) any {
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > maxDepth {
		return Unknown{"expression nested too deeply"}
	}
	switch n := n.(type) {
	case lit:
		return n.v
	case member:
		return get(e.eval(n.target), n.name)
	case index:
		k := e.eval(n.key)
		if u, ok := k.(Unknown); ok {
			return u
		}
		switch key := k.(type) {
		case string:
			return get(e.eval(n.target), key)
		case float64:
			return at(e.eval(n.target), key)
		}
		return Unknown{fmt.Sprintf("cannot index with %v", k)}
	case call:
		return e.call(n)
	}
	return Unknown{"unsupported expression"}
}

func get(v any, key string) any {
	switch o := v.(type) {
	case Unknown:
		return o
	case map[string]any:
		if x, ok := o[key]; ok {
			return x
		}
		for k, x := range o {
			if strings.EqualFold(k, key) {
				return x
			}
		}
		return Unknown{fmt.Sprintf("the object has no property %q", key)}
	}
	return Unknown{fmt.Sprintf("cannot read property %q of %s", key, kind(v))}
}

func at(v any, i float64) any {
	switch a := v.(type) {
	case Unknown:
		return a
	case []any:
		if i >= 0 && int(i) < len(a) {
			return a[int(i)]
		}
		return Unknown{fmt.Sprintf("index %v is out of range", i)}
	}
	return Unknown{fmt.Sprintf("cannot index %s", kind(v))}
}

func kind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return "an unknown value"
}

// args evaluates every argument; the first Unknown is returned instead.
func (e *evaluator) args(c call) ([]any, *Unknown) {
	out := make([]any, len(c.args))
	for i, a := range c.args {
		v := e.eval(a)
		if u, ok := v.(Unknown); ok {
			return nil, &u
		}
		out[i] = v
	}
	return out, nil
}

func (e *evaluator) call(c call) any {
	// Functions that must not evaluate every argument first.
	switch c.name {
	case "if":
		if len(c.args) != 3 {
			return arity(c, 3)
		}
		cond := e.eval(c.args[0])
		switch b := cond.(type) {
		case bool:
			if b {
				return e.eval(c.args[1])
			}
			return e.eval(c.args[2])
		case Unknown:
			return b
		}
		return Unknown{"if: the condition is not a boolean"}
	case "coalesce":
		for _, a := range c.args {
			v := e.eval(a)
			if _, ok := v.(Unknown); ok {
				return v
			}
			if v != nil {
				return v
			}
		}
		return nil
	case "and", "or":
		want := c.name == "or"
		sawUnknown := Unknown{}
		for _, a := range c.args {
			switch v := e.eval(a).(type) {
			case bool:
				if v == want {
					return want
				}
			case Unknown:
				sawUnknown = v
			default:
				return Unknown{c.name + ": arguments must be booleans"}
			}
		}
		if sawUnknown.Reason != "" {
			return sawUnknown
		}
		return !want
	case "tryget":
		if len(c.args) < 2 {
			return arity(c, 2)
		}
		v := e.eval(c.args[0])
		for _, a := range c.args[1:] {
			k := e.eval(a)
			if u, ok := k.(Unknown); ok {
				return u
			}
			switch obj := v.(type) {
			case Unknown:
				return obj
			case map[string]any:
				key, _ := k.(string)
				x := get(obj, key)
				if _, ok := x.(Unknown); ok {
					return nil
				}
				v = x
			case []any:
				i, _ := k.(float64)
				if i < 0 || int(i) >= len(obj) {
					return nil
				}
				v = obj[int(i)]
			default:
				return nil
			}
		}
		return v
	}
	args, u := e.args(c)
	if u != nil {
		return *u
	}
	switch c.name {
	case "parameters", "variables":
		if len(args) != 1 {
			return arity(c, 1)
		}
		name, ok := args[0].(string)
		if !ok {
			return Unknown{c.name + ": the name must be a string"}
		}
		if c.name == "parameters" {
			return e.scope.Parameter(name)
		}
		return e.scope.Variable(name)
	case "concat":
		if len(args) > 0 {
			if _, ok := args[0].([]any); ok {
				var out []any
				for _, a := range args {
					arr, ok := a.([]any)
					if !ok {
						return Unknown{"concat: cannot mix arrays and other values"}
					}
					out = append(out, arr...)
				}
				return out
			}
		}
		var b strings.Builder
		for _, a := range args {
			b.WriteString(toString(a))
		}
		return b.String()
	case "format":
		if len(args) < 1 {
			return arity(c, 1)
		}
		f, ok := args[0].(string)
		if !ok {
			return Unknown{"format: the format must be a string"}
		}
		return format(f, args[1:])
	case "equals":
		if len(args) != 2 {
			return arity(c, 2)
		}
		return equal(args[0], args[1])
	case "not":
		if len(args) != 1 {
			return arity(c, 1)
		}
		b, ok := args[0].(bool)
		if !ok {
			return Unknown{"not: the argument must be a boolean"}
		}
		return !b
	case "empty":
		if len(args) != 1 {
			return arity(c, 1)
		}
		switch v := args[0].(type) {
		case nil:
			return true
		case string:
			return v == ""
		case []any:
			return len(v) == 0
		case map[string]any:
			return len(v) == 0
		}
		return false
	case "contains":
		if len(args) != 2 {
			return arity(c, 2)
		}
		switch v := args[0].(type) {
		case string:
			return strings.Contains(strings.ToLower(v), strings.ToLower(toString(args[1])))
		case []any:
			for _, x := range v {
				if equal(x, args[1]) {
					return true
				}
			}
			return false
		case map[string]any:
			_, isUnknown := get(v, toString(args[1])).(Unknown)
			return !isUnknown
		}
		return Unknown{"contains: the first argument must be a string, array or object"}
	case "tolower", "toupper":
		if len(args) != 1 {
			return arity(c, 1)
		}
		s, ok := args[0].(string)
		if !ok {
			return Unknown{c.name + ": the argument must be a string"}
		}
		if c.name == "tolower" {
			return strings.ToLower(s)
		}
		return strings.ToUpper(s)
	case "string":
		if len(args) != 1 {
			return arity(c, 1)
		}
		return toString(args[0])
	case "int":
		if len(args) != 1 {
			return arity(c, 1)
		}
		switch v := args[0].(type) {
		case float64:
			return math.Trunc(v)
		case string:
			i, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return Unknown{fmt.Sprintf("int: %q is not a whole number", v)}
			}
			return float64(i)
		}
		return Unknown{"int: the argument must be a number or a string"}
	case "bool":
		if len(args) != 1 {
			return arity(c, 1)
		}
		switch v := args[0].(type) {
		case bool:
			return v
		case string:
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "true":
				return true
			case "false":
				return false
			}
			return Unknown{fmt.Sprintf("bool: %q is not true or false", v)}
		case float64:
			return v != 0
		}
		return Unknown{"bool: the argument must be a boolean, a string or a number"}
	case "json":
		if len(args) != 1 {
			return arity(c, 1)
		}
		s, ok := args[0].(string)
		if !ok {
			return Unknown{"json: the argument must be a string"}
		}
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return Unknown{fmt.Sprintf("json: %v", err)}
		}
		return v
	case "createobject":
		if len(args)%2 != 0 {
			return Unknown{"createObject: needs key/value pairs"}
		}
		out := make(map[string]any, len(args)/2)
		for i := 0; i < len(args); i += 2 {
			k, ok := args[i].(string)
			if !ok {
				return Unknown{"createObject: keys must be strings"}
			}
			out[k] = args[i+1]
		}
		return out
	case "createarray", "array":
		return args
	case "null":
		return nil
	case "true":
		return true
	case "false":
		return false
	case "union":
		return union(args)
	case "length":
		if len(args) != 1 {
			return arity(c, 1)
		}
		switch v := args[0].(type) {
		case string:
			return float64(len([]rune(v)))
		case []any:
			return float64(len(v))
		case map[string]any:
			return float64(len(v))
		}
		return Unknown{"length: the argument must be a string, array or object"}
	case "resourcegroup", "subscription", "deployment":
		return Unknown{c.name + "() is known only at deployment"}
	case "copyindex":
		return Unknown{"copyIndex() differs for every copy of the resource"}
	}
	return Unknown{fmt.Sprintf("function %s() is not evaluated by patchcheck", c.name)}
}

func arity(c call, n int) Unknown {
	return Unknown{fmt.Sprintf("%s() takes %d argument(s), got %d", c.name, n, len(c.args))}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func equal(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && strings.EqualFold(x, y)
	case map[string]any, []any:
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		return string(ja) == string(jb)
	}
	return a == b
}

// format implements .NET composite formatting for {N} items; format
// specifiers after a colon are ignored.
func format(f string, args []any) any {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '{' && i+1 < len(f) && f[i+1] == '{':
			b.WriteByte('{')
			i++
		case c == '}' && i+1 < len(f) && f[i+1] == '}':
			b.WriteByte('}')
			i++
		case c == '{':
			end := strings.IndexByte(f[i:], '}')
			if end < 0 {
				return Unknown{"format: unclosed '{'"}
			}
			item := f[i+1 : i+end]
			if colon := strings.IndexByte(item, ':'); colon >= 0 {
				item = item[:colon]
			}
			n, err := strconv.Atoi(strings.TrimSpace(item))
			if err != nil || n < 0 || n >= len(args) {
				return Unknown{fmt.Sprintf("format: no argument for {%s}", item)}
			}
			b.WriteString(toString(args[n]))
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// union merges objects (later keys win, nested objects merged) or arrays
// (distinct elements in order).
func union(args []any) any {
	if len(args) == 0 {
		return Unknown{"union() needs arguments"}
	}
	switch args[0].(type) {
	case map[string]any:
		out := map[string]any{}
		for _, a := range args {
			m, ok := a.(map[string]any)
			if !ok {
				return Unknown{"union: cannot mix objects and other values"}
			}
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if inner, ok := m[k].(map[string]any); ok {
					if prev, ok := out[k].(map[string]any); ok {
						out[k] = union([]any{prev, inner})
						continue
					}
				}
				out[k] = m[k]
			}
		}
		return out
	case []any:
		var out []any
		for _, a := range args {
			arr, ok := a.([]any)
			if !ok {
				return Unknown{"union: cannot mix arrays and other values"}
			}
			for _, x := range arr {
				dup := false
				for _, y := range out {
					if equal(x, y) {
						dup = true
						break
					}
				}
				if !dup {
					out = append(out, x)
				}
			}
		}
		return out
	}
	return Unknown{"union: arguments must be objects or arrays"}
}
