package armexpr

import (
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
		{"[resourceGroup().location]", "resourcegroup() is known only at deployment"},
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

// FuzzEval: the parser and evaluator must never panic, whatever the input.
func FuzzEval(f *testing.F) {
	for _, s := range []string{"[parameters('mode')]", "[concat('a', format('{0}', 1))]", "[if(equals(1, 1), createObject('a', 1), json('[1]'))]",
		"[parameters('settings').nested['x']]", "[union(json('{}'), parameters('settings'))]", "['it''s']", "[f(]", "[[x]", "[a.b[c]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = Eval(s, scope)
	})
}
