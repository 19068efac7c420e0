package armexpr

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

type mapScope struct{ params, vars map[string]any }

func (s mapScope) Parameter(name string) any {
	if v, ok := s.params[name]; ok {
		return v
	}
	return Unknown{"parameter " + name + " has no value"}
}

func (s mapScope) Variable(name string) any {
	if v, ok := s.vars[name]; ok {
		return v
	}
	return Unknown{"variable " + name + " is not defined"}
}

var scope = mapScope{
	params: map[string]any{"mode": "AutomaticByPlatform", "os": "Windows", "count": 3.0, "flag": true,
		"settings": map[string]any{"patchMode": "Manual", "nested": map[string]any{"x": "y"}}, "list": []any{"a", "b"}, "none": nil},
	vars: map[string]any{"prefix": "web", "isWindows": true},
}

func TestEval(t *testing.T) {
	tests := []struct {
		expr string
		want any
	}{
		{"[parameters('mode')]", "AutomaticByPlatform"},
		{"[variables('prefix')]", "web"},
		{"[concat(variables('prefix'), '-', parameters('count'))]", "web-3"},
		{"[concat(parameters('list'), createArray('c'))]", []any{"a", "b", "c"}},
		{"[format('{0}-{1:D2}', 'vm', 7)]", "vm-7"},
		{"[format('{{literal}} {0}', 'x')]", "{literal} x"},
		{"[if(equals(parameters('os'), 'windows'), 'AutomaticByOS', 'ImageDefault')]", "AutomaticByOS"},
		{"[if(parameters('flag'), 'yes', parameters('missing'))]", "yes"},
		{"[not(parameters('flag'))]", false},
		{"[and(parameters('flag'), variables('isWindows'))]", true},
		{"[or(false, parameters('flag'))]", true},
		{"[or(parameters('missing'), true)]", true},
		{"[empty(parameters('none'))]", true},
		{"[empty('')]", true},
		{"[empty(parameters('list'))]", false},
		{"[contains(parameters('list'), 'b')]", true},
		{"[contains('AutomaticByPlatform', 'platform')]", true},
		{"[contains(parameters('settings'), 'PATCHMODE')]", true},
		{"[coalesce(parameters('none'), 'fallback')]", "fallback"},
		{"[toLower('ABC')]", "abc"},
		{"[toUpper('abc')]", "ABC"},
		{"[string(parameters('flag'))]", "true"},
		{"[int('42')]", 42.0},
		{"[bool('True')]", true},
		{"[json('{\"a\": [1, true]}')]", map[string]any{"a": []any{1.0, true}}},
		{"[createObject('patchMode', parameters('mode'))]", map[string]any{"patchMode": "AutomaticByPlatform"}},
		{"[union(parameters('settings'), createObject('patchMode', 'AutomaticByOS'))]", map[string]any{"patchMode": "AutomaticByOS", "nested": map[string]any{"x": "y"}}},
		{"[tryGet(parameters('settings'), 'patchMode')]", "Manual"},
		{"[tryGet(parameters('settings'), 'absent')]", nil},
		{"[length(parameters('list'))]", 2.0},
		{"[parameters('settings').nested.x]", "y"},
		{"[parameters('settings')['patchMode']]", "Manual"},
		{"[parameters('list')[1]]", "b"},
		{"[PARAMETERS('mode')]", "AutomaticByPlatform"},
		{"[concat('it''s', ' ok')]", "it's ok"},
		{"  [parameters('mode')]  ", "AutomaticByPlatform"},
		{"[equals('Windows', 'WINDOWS')]", true},
		{"[if(true(), null(), false())]", nil},
	}
	for _, tt := range tests {
		got := Eval(tt.expr, scope)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.expr, got, tt.want)
		}
	}
}

func TestUnknown(t *testing.T) {
	tests := []struct{ expr, reason string }{
		{"[parameters('missing')]", "parameter missing has no value"},
		{"[resourceGroup().location]", "resourceGroup().location is not known: pass --context FILE"},
		{"[concat('vm', copyIndex())]", "copyIndex()"},
		{"[reference('x').properties]", "function reference() is not evaluated"},
		{"[if(parameters('missing'), 'a', 'b')]", "parameter missing"},
		{"[parameters('settings').nope]", `no property "nope"`},
		{"[parameters('list')[5]]", "out of range"},
		{"[concat('a'", "syntax error"},
		{"[parameters('mode') extra]", "syntax error"},
		{"['unterminated]", "unterminated string"},
		{"[int('x')]", "not a whole number"},
		{"[bool('maybe')]", "not true or false"},
		{"[json('{')]", "json:"},
		{"[format('{3}', 'a')]", "no argument for {3}"},
		{"[not('x')]", "must be a boolean"},
		{"[equals('a')]", "takes 2 argument(s)"},
		{"[createObject('a')]", "key/value pairs"},
		{"[union('a', 'b')]", "objects or arrays"},
	}
	for _, tt := range tests {
		got := Eval(tt.expr, scope)
		u, ok := got.(Unknown)
		if !ok || !strings.Contains(u.Reason, tt.reason) {
			t.Errorf("%s = %#v, want Unknown containing %q", tt.expr, got, tt.reason)
		}
	}
}

func TestIsExpression(t *testing.T) {
	for s, want := range map[string]bool{"[x()]": true, "[[literal]": false, "plain": false, "[": false, " [a()] ": true} {
		if IsExpression(s) != want {
			t.Errorf("IsExpression(%q) != %v", s, want)
		}
	}
}

// FuzzEval: the parser and evaluator never panic, whatever the input, and
// partial evaluation is exact. The expression is evaluated in a scope whose
// parameters hold unknown leaves ("#u0"...), and in two completions of that
// scope, where each unknown leaf is replaced by a known value (chosen by
// seed, of any type). Checked:
//   - every Unknown says why (a non-empty reason);
//   - sound: wherever the partial result is known, every completion's
//     result is the same value, or unknown (a completion may fail, such as
//     int() of a string, where the partial result never looked);
//   - no unknown without cause: wherever the partial result is unknown for
//     a reason that names none of the unknown leaves, every completion's
//     result is unknown there too. So an unknown never appears where the
//     known parts of the input decide the value.
func FuzzEval(f *testing.F) {
	for _, s := range []string{"[parameters('mode')]", "[concat('a', format('{0}', 1))]", "[if(equals(1, 1), createObject('a', 1), json('[1]'))]",
		"[parameters('settings').nested['x']]", "[union(json('{}'), parameters('settings'))]", "['it''s']", "[f(]", "[[x]", "[a.b[c]",
		"[createObject('computerName', uniqueString(subscription().id), 'linuxConfiguration', createObject('patchSettings', createObject('patchMode', parameters('partial').mode)))]",
		"[if(empty(tryGet(parameters('partial'), 'disk', 'id')), createObject('p', parameters('partial').secret), null())]",
		"[union(parameters('partial'), createObject('mode', 'x'))]", "[equals(parameters('list'), parameters('partialList'))]",
		"[contains(parameters('partialList'), 'a')]", "[and(equals(parameters('whole'), 'a'), false)]", "[coalesce(parameters('partial').none, 'x')]",
		"[length(parameters('partialList'))]", "[tryGet(parameters('partial'), 'nested', 'deep')]", "[if(parameters('whole'), 1, 1)]",
		"[or(parameters('whole'), parameters('partial').flag)]", "[concat(parameters('partialList'), parameters('list'))]",
		"[string(parameters('partial').nested)]", "[uri(parameters('partial').base, 'x.json')]", "[split(parameters('partial').mode, 'B')]"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, s string, seed uint8) {
		partial := fuzzScope(func(id int) any { return Unknown{fmt.Sprintf("#u%d", id)} })
		got := Eval(s, partial)
		checkReasons(t, s, got)
		for _, shift := range []int{0, 5} {
			complete := fuzzScope(func(id int) any { return fillers[(int(seed)+id+shift)%len(fillers)] })
			want := Eval(s, complete)
			if msg := agree(got, want, "$"); msg != "" {
				t.Fatalf("%s: partial result %#v, completion %#v: %s", s, got, want, msg)
			}
		}
	})
}

// fillers are the known values an unknown leaf is completed with.
var fillers = []any{"a", 1.0, true, nil, "AutomaticByPlatform", map[string]any{"a": "x"}, []any{"a"}, false, "", 0.0, "https://x.org/a/"}

// fuzzScope is the fuzz scope; leaf gives the value of each unknown leaf.
func fuzzScope(leaf func(id int) any) mapScope {
	params := map[string]any{}
	for k, v := range scope.params {
		params[k] = v
	}
	params["whole"] = leaf(0)
	params["partial"] = map[string]any{"mode": "Manual", "secret": leaf(1), "flag": leaf(2), "none": nil, "base": leaf(3),
		"nested": map[string]any{"deep": leaf(4), "x": "y"}, "disk": map[string]any{"id": leaf(5)}}
	params["partialList"] = []any{"a", leaf(6), map[string]any{"k": leaf(7)}}
	return mapScope{params: params, vars: scope.vars}
}

// checkReasons fails when an Unknown in v has no reason.
func checkReasons(t *testing.T, expr string, v any) {
	switch x := v.(type) {
	case Unknown:
		if x.Reason == "" {
			t.Fatalf("%s: an Unknown without a reason", expr)
		}
	case map[string]any:
		for _, m := range x {
			checkReasons(t, expr, m)
		}
	case []any:
		for _, m := range x {
			checkReasons(t, expr, m)
		}
	}
}

// agree compares a partial result with a completion's at path; "" when
// they agree as FuzzEval's properties require.
func agree(partial, complete any, path string) string {
	if u, ok := partial.(Unknown); ok {
		if _, ok := complete.(Unknown); !ok && !strings.Contains(u.Reason, "#u") && !strings.Contains(u.Reason, elided) {
			return fmt.Sprintf("at %s the partial result is unknown (%s) though no unknown leaf is its cause", path, u.Reason)
		}
		return ""
	}
	if _, ok := complete.(Unknown); ok {
		return ""
	}
	switch p := partial.(type) {
	case map[string]any:
		c, ok := complete.(map[string]any)
		if !ok || len(c) != len(p) {
			return fmt.Sprintf("at %s an object with %d properties, the completion has %#v", path, len(p), complete)
		}
		for k, v := range p {
			cv, ok := c[k]
			if !ok {
				return fmt.Sprintf("at %s property %q is missing from the completion", path, k)
			}
			if msg := agree(v, cv, path+"."+k); msg != "" {
				return msg
			}
		}
		return ""
	case []any:
		c, ok := complete.([]any)
		if !ok || len(c) != len(p) {
			return fmt.Sprintf("at %s an array of %d, the completion has %#v", path, len(p), complete)
		}
		for i := range p {
			if msg := agree(p[i], c[i], fmt.Sprintf("%s[%d]", path, i)); msg != "" {
				return msg
			}
		}
		return ""
	}
	if !reflect.DeepEqual(partial, complete) {
		return fmt.Sprintf("at %s the partial result is %#v, the completion %#v", path, partial, complete)
	}
	return ""
}

// TestPartialEvaluationRandom checks FuzzEval's properties on expressions
// built at random from the evaluator's functions (byte-level fuzzing
// rarely reaches well-formed calls); the seed is fixed, so the run is the
// same every time.
func TestPartialEvaluationRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 2))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for i := range n {
		expr := "[" + randomExpr(rng, 4) + "]"
		partial := fuzzScope(func(id int) any { return Unknown{fmt.Sprintf("#u%d", id)} })
		got := Eval(expr, partial)
		checkReasons(t, expr, got)
		for _, shift := range []int{i, i + 5} {
			complete := fuzzScope(func(id int) any { return fillers[(shift+id)%len(fillers)] })
			if msg := agree(got, Eval(expr, complete), "$"); msg != "" {
				t.Fatalf("%s: %s", expr, msg)
			}
		}
	}
}

var randomLeaves = []string{"'a'", "'A'", "1", "0", "true", "false", "null()", "''", "'{0}-{1}'", "'https://x.org/a/b.json'",
	"parameters('whole')", "parameters('partial')", "parameters('partial').secret", "parameters('partial').nested",
	"parameters('partialList')", "parameters('mode')", "parameters('list')", "parameters('settings')", "parameters('missing')",
	"variables('prefix')", `json('{"a": [1, "x"]}')`, "createObject()", "createArray()", "'mode'", "'nested'", "'k'", "'x'", "'secret'", "'deep'", "'flag'", "'disk'", "'id'"}

var randomFuncs = []struct {
	name     string
	min, max int
}{
	{"concat", 1, 3}, {"format", 1, 3}, {"equals", 2, 2}, {"not", 1, 1}, {"empty", 1, 1}, {"contains", 2, 2},
	{"string", 1, 1}, {"int", 1, 1}, {"bool", 1, 1}, {"json", 1, 1}, {"createObject", 0, 4}, {"createArray", 0, 3},
	{"array", 1, 1}, {"union", 1, 3}, {"length", 1, 1}, {"less", 2, 2}, {"greater", 2, 2}, {"if", 3, 3},
	{"coalesce", 1, 3}, {"and", 2, 3}, {"or", 2, 3}, {"tryGet", 2, 3}, {"toLower", 1, 1}, {"trim", 1, 1},
	{"startsWith", 2, 2}, {"replace", 3, 3}, {"uri", 2, 2}, {"substring", 2, 3}, {"split", 2, 2}, {"first", 1, 1},
	{"last", 1, 1}, {"skip", 2, 2}, {"take", 2, 2}, {"base64", 1, 1}, {"uniqueString", 1, 2}, {"resourceGroup", 0, 0},
}

func randomExpr(rng *rand.Rand, depth int) string {
	if depth == 0 || rng.IntN(4) == 0 {
		return randomLeaves[rng.IntN(len(randomLeaves))]
	}
	switch rng.IntN(8) {
	case 0:
		return randomExpr(rng, depth-1) + "." + []string{"mode", "nested", "secret", "x", "a", "location", "deep", "flag", "disk", "id"}[rng.IntN(10)]
	case 1:
		return randomExpr(rng, depth-1) + "[" + randomExpr(rng, depth-1) + "]"
	}
	f := randomFuncs[rng.IntN(len(randomFuncs))]
	args := make([]string, f.min+rng.IntN(f.max-f.min+1))
	for i := range args {
		args[i] = randomExpr(rng, depth-1)
	}
	return f.name + "(" + strings.Join(args, ", ") + ")"
}
