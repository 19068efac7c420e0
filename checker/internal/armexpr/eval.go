package armexpr

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Unknown is a value the evaluator cannot know, with the reason. A whole
// value may be Unknown, or only a leaf inside an object or array: the rest
// of the value is then still known (partial evaluation).
type Unknown struct{ Reason string }

func (u Unknown) String() string { return "unknown (" + u.Reason + ")" }

// Scope supplies what expressions refer to. Each returns an Unknown value
// when there is nothing to say; an object or array may hold Unknown leaves.
// The evaluator never modifies a value it is given.
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
// float64, bool, nil, map[string]any, []any), possibly with Unknown leaves,
// or an Unknown.
func Eval(expr string, scope Scope) any {
	n, err := parse(expr)
	if err != nil {
		return Unknown{err.Error()}
	}
	e := &evaluator{scope: scope}
	if bs, ok := scope.(BudgetScope); ok {
		e.budget = bs.Budget()
	}
	if e.budget == nil {
		e.own = Budget{left: DefaultBudget, limit: DefaultBudget}
		e.budget = &e.own
	}
	return e.eval(n)
}

type evaluator struct {
	scope  Scope
	depth  int
	budget *Budget
	own    Budget // the budget when the scope has none to share
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

// get reads a property; an Unknown object gives its own Unknown, a known
// object its member (known or not) whatever its siblings are.
func get(v any, key string) any {
	switch o := v.(type) {
	case Unknown:
		return o
	case map[string]any:
		if x, ok := lookup(o, key); ok {
			return x
		}
		return Unknown{fmt.Sprintf("the object has no property %q", key)}
	}
	return Unknown{fmt.Sprintf("cannot read property %q of %s", key, kind(v))}
}

// lookup finds a member as ARM does, ignoring case.
func lookup(o map[string]any, key string) (any, bool) {
	if x, ok := o[key]; ok {
		return x, true
	}
	for k, x := range o {
		if strings.EqualFold(k, key) {
			return x, true
		}
	}
	return nil, false
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

// whole returns the first argument that is wholly Unknown: the functions
// that need every argument's value (not only its shape) stop there.
func whole(args ...any) (Unknown, bool) {
	for _, a := range args {
		if u, ok := a.(Unknown); ok {
			return u, true
		}
	}
	return Unknown{}, false
}

func (e *evaluator) call(c call) any {
	// Functions that must not evaluate every argument first.
	switch c.name {
	case "if":
		return e.ifCall(c)
	case "coalesce":
		for _, a := range c.args {
			v := e.eval(a)
			if _, ok := v.(Unknown); ok {
				return v // it may be null or not: what follows cannot decide
			}
			if v != nil {
				return v
			}
		}
		return nil
	case "and", "or":
		return e.logical(c)
	case "tryget":
		return e.tryGet(c)
	}
	// Every argument is evaluated: an Unknown in one decides only for the
	// functions whose answer depends on it.
	args := make([]any, len(c.args))
	for i, a := range c.args {
		args[i] = e.eval(a)
	}
	if v, ok := e.stringCall(c, args); ok {
		return v
	}
	switch c.name {
	case "parameters", "variables":
		if len(args) != 1 {
			return arity(c, 1)
		}
		if u, ok := whole(args...); ok {
			return u
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
		return e.concat(args)
	case "format":
		if len(args) < 1 {
			return arity(c, 1)
		}
		if u, ok := args[0].(Unknown); ok {
			return u
		}
		f, ok := args[0].(string)
		if !ok {
			return Unknown{"format: the format must be a string"}
		}
		return e.format(f, args[1:])
	case "equals":
		if len(args) != 2 {
			return arity(c, 2)
		}
		return e.equal(args[0], args[1], true)
	case "not":
		if len(args) != 1 {
			return arity(c, 1)
		}
		if u, ok := whole(args...); ok {
			return u
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
		// An object or array with members is not empty, whatever they are.
		switch v := args[0].(type) {
		case Unknown:
			return v
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
		return e.contains(args[0], args[1])
	case "string":
		if len(args) != 1 {
			return arity(c, 1)
		}
		s, u := e.text(args[0])
		if u != nil {
			return *u
		}
		return s
	case "int":
		if len(args) != 1 {
			return arity(c, 1)
		}
		switch v := args[0].(type) {
		case Unknown:
			return v
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
		case Unknown:
			return v
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
		if u, ok := whole(args...); ok {
			return u
		}
		s, ok := args[0].(string)
		if !ok {
			return Unknown{"json: the argument must be a string"}
		}
		if !e.budget.Spend(len(s)) {
			return e.budget.Exhausted()
		}
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return Unknown{fmt.Sprintf("json: %v", err)}
		}
		return v
	case "createobject":
		return e.createObject(args)
	case "createarray":
		if !e.budget.Spend(len(args)) {
			return e.budget.Exhausted()
		}
		return args
	case "array":
		if len(args) == 1 {
			// array() converts one value: an array stays itself, anything
			// else becomes its only element.
			switch v := args[0].(type) {
			case Unknown:
				return v
			case []any:
				return v
			}
		}
		if !e.budget.Spend(len(args)) {
			return e.budget.Exhausted()
		}
		return args
	case "null":
		return nil
	case "true":
		return true
	case "false":
		return false
	case "union":
		return e.union(args)
	case "length":
		if len(args) != 1 {
			return arity(c, 1)
		}
		// The length of an array or object does not depend on what its
		// members are.
		switch v := args[0].(type) {
		case Unknown:
			return v
		case string:
			return float64(len([]rune(v)))
		case []any:
			return float64(len(v))
		case map[string]any:
			return float64(len(v))
		}
		return Unknown{"length: the argument must be a string, array or object"}
	case "less", "lessorequals", "greater", "greaterorequals":
		return compare(c, args)
	case "subscription", "resourcegroup", "deployment", "environment", "tenant", "managementgroup":
		if len(args) > 0 {
			return Unknown{fmt.Sprintf("%s() with arguments is not evaluated by patchcheck", ContextName(c.name))}
		}
		if cs, ok := e.scope.(ContextScope); ok {
			if v := cs.Context(c.name); v != nil {
				return v
			}
		}
		return DefaultContext(c.name, "pass --context FILE")
	case "copyindex":
		return Unknown{"copyIndex() differs for every copy of the resource"}
	case "uniquestring", "guid":
		return Unknown{fmt.Sprintf("%s() is a hash patchcheck does not compute", map[string]string{"uniquestring": "uniqueString", "guid": "guid"}[c.name])}
	case "newguid":
		return Unknown{"newGuid() is new at every deployment"}
	case "utcnow":
		return Unknown{"utcNow() is the time of the deployment"}
	}
	return Unknown{fmt.Sprintf("function %s() is not evaluated by patchcheck", c.name)}
}

// ifCall evaluates only the branch a known condition chooses. With an
// unknown condition the answer is known only when both branches give the
// same known value.
func (e *evaluator) ifCall(c call) any {
	if len(c.args) != 3 {
		return arity(c, 3)
	}
	switch b := e.eval(c.args[0]).(type) {
	case bool:
		if b {
			return e.eval(c.args[1])
		}
		return e.eval(c.args[2])
	case Unknown:
		// Both branches are evaluated: when they are the same known value,
		// the condition does not matter.
		yes := e.eval(c.args[1])
		switch r := e.equal(yes, e.eval(c.args[2]), false).(type) {
		case bool:
			if r {
				return yes
			}
			return b
		default:
			// They may be the same once their unknown parts are known:
			// those are causes too.
			var open causes
			open.add(b)
			open.add(r)
			u, _ := open.unknown()
			return u
		}
	}
	return Unknown{"if: the condition is not a boolean"}
}

// logical is and/or: a deciding argument (false for and, true for or)
// decides wherever it is, even after an unknown or a wrong argument; an
// unknown argument leaves the answer unknown only when nothing decides.
func (e *evaluator) logical(c call) any {
	want := c.name == "or"
	var open causes
	wrong := false
	for _, a := range c.args {
		switch v := e.eval(a).(type) {
		case bool:
			if v == want {
				return want
			}
		case Unknown:
			open.add(v)
		default:
			wrong = true
		}
	}
	if u, ok := open.unknown(); ok {
		return u
	}
	if wrong {
		return Unknown{c.name + ": arguments must be booleans"}
	}
	return !want
}

// tryGet follows a path of keys and indexes, giving null where a key or
// index is missing, as ARM does; a known member is found whatever its
// siblings are.
func (e *evaluator) tryGet(c call) any {
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
			x, ok := lookup(obj, key)
			if !ok {
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

func (e *evaluator) concat(args []any) any {
	if u, ok := whole(args...); ok {
		return u // a whole unknown argument: its length, even its type, is unknown
	}
	if len(args) > 0 {
		if _, ok := args[0].([]any); ok {
			n := 0
			for _, a := range args {
				arr, ok := a.([]any)
				if !ok {
					return Unknown{"concat: cannot mix arrays and other values"}
				}
				n += len(arr)
			}
			if !e.budget.Spend(n) {
				return e.budget.Exhausted()
			}
			out := make([]any, 0, n)
			for _, a := range args {
				out = append(out, a.([]any)...)
			}
			return out
		}
	}
	parts := make([]string, len(args))
	n := 0
	for i, a := range args {
		s, u := e.text(a)
		if u != nil {
			return *u
		}
		parts[i] = s
		n += len(s)
	}
	if !e.budget.Spend(n) {
		return e.budget.Exhausted()
	}
	return strings.Join(parts, "")
}

// createObject keeps an unknown value as an unknown member; an unknown key
// makes the whole object unknown, since any of its properties could be
// that key.
func (e *evaluator) createObject(args []any) any {
	if len(args)%2 != 0 {
		return Unknown{"createObject: needs key/value pairs"}
	}
	if !e.budget.Spend(len(args)) {
		return e.budget.Exhausted()
	}
	out := make(map[string]any, len(args)/2)
	for i := 0; i < len(args); i += 2 {
		switch k := args[i].(type) {
		case string:
			out[k] = args[i+1]
		case Unknown:
			return Unknown{fmt.Sprintf("createObject: key %d is not known, so no property of the object is: %s", i/2+1, k.Reason)}
		default:
			return Unknown{"createObject: keys must be strings"}
		}
	}
	return out
}

func (e *evaluator) contains(container, item any) any {
	switch v := container.(type) {
	case Unknown:
		return v
	case string:
		s, u := e.text(item)
		if u != nil {
			return *u
		}
		return strings.Contains(strings.ToLower(v), strings.ToLower(s))
	case []any:
		// Known when an element is known to match, or when every element
		// is known not to.
		var open causes
		for _, x := range v {
			r := e.equal(x, item, true)
			if r == true {
				return true
			}
			open.add(r)
		}
		if u, ok := open.unknown(); ok {
			return u
		}
		return false
	case map[string]any:
		if len(v) == 0 {
			return false
		}
		key, u := e.text(item)
		if u != nil {
			return *u
		}
		_, ok := lookup(v, key)
		return ok
	}
	return Unknown{"contains: the first argument must be a string, array or object"}
}

func arity(c call, n int) Unknown {
	return Unknown{fmt.Sprintf("%s() takes %d argument(s), got %d", c.name, n, len(c.args))}
}

// text converts a value to the string ARM would make of it; a value with
// an unknown part has no known text.
func (e *evaluator) text(v any) (string, *Unknown) {
	switch x := v.(type) {
	case Unknown:
		return "", &x
	case string:
		return x, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	case nil:
		return "", nil
	}
	if u, ok := e.findUnknown(v); ok {
		return "", &u
	}
	b, _ := json.Marshal(v)
	if !e.budget.Spend(len(b)) {
		u := e.budget.Exhausted()
		return "", &u
	}
	return string(b), nil
}

// format implements .NET composite formatting for {N} items; format
// specifiers after a colon are ignored. Only the arguments the format
// refers to need to be known.
func (e *evaluator) format(f string, args []any) any {
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
			s, u := e.text(args[n])
			if u != nil {
				return *u
			}
			if !e.budget.Spend(len(s)) {
				return e.budget.Exhausted()
			}
			b.WriteString(s)
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// union merges objects (later keys win, nested objects merged) or arrays
// (distinct elements in order). A wholly unknown argument makes the result
// unknown: any property or element may come from it, so keeping the known
// ones would claim the others absent.
func (e *evaluator) union(args []any) any {
	if len(args) == 0 {
		return Unknown{"union() needs arguments"}
	}
	for i, a := range args {
		if u, ok := a.(Unknown); ok {
			return Unknown{fmt.Sprintf("union: argument %d is not known, so any property or element may come from it: %s", i+1, u.Reason)}
		}
	}
	switch args[0].(type) {
	case map[string]any:
		out := map[string]any{}
		for _, a := range args {
			m, ok := a.(map[string]any)
			if !ok {
				return Unknown{"union: cannot mix objects and other values"}
			}
			if !e.budget.Spend(len(m)) {
				return e.budget.Exhausted()
			}
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if inner, ok := m[k].(map[string]any); ok {
					switch prev := out[k].(type) {
					case map[string]any:
						out[k] = e.union([]any{prev, inner})
						continue
					case Unknown:
						// Were it an object, its other properties would
						// survive the merge: the result is not known.
						out[k] = prev
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
			if !e.budget.Spend(len(arr)) {
				return e.budget.Exhausted()
			}
			for _, x := range arr {
				dup := false
				for _, y := range out {
					r := e.equal(x, y, true)
					if u, ok := r.(Unknown); ok {
						return Unknown{"union: cannot tell whether an element repeats an earlier one: " + u.Reason}
					}
					if r == true {
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

// compare is less, lessOrEquals, greater and greaterOrEquals on numbers.
func compare(c call, args []any) any {
	if len(args) != 2 {
		return arity(c, 2)
	}
	if u, ok := whole(args...); ok {
		return u
	}
	a, ok1 := args[0].(float64)
	b, ok2 := args[1].(float64)
	if !ok1 || !ok2 {
		return Unknown{c.name + ": patchcheck compares numbers only"}
	}
	switch c.name {
	case "less":
		return a < b
	case "lessorequals":
		return a <= b
	case "greater":
		return a > b
	}
	return a >= b
}
