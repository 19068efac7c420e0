package armexpr

import (
	"fmt"
	"go/ast"
	goparser "go/parser"
	"go/token"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// injected is the reason of the unknown parameter the tables put in place
// of each argument in turn.
const injected = "#injected"

// unk expects an Unknown whose reason contains the text; unk("") expects
// the injected unknown's own reason (its cause is carried, not replaced).
type unk string

// partialScope has a wholly unknown parameter "u" and objects and arrays
// with unknown leaves.
var partialScope = mapScope{
	params: map[string]any{
		"u":    Unknown{injected},
		"mode": "AutomaticByPlatform",
		"obj": map[string]any{"known": "k", "unk": Unknown{injected}, "nested": map[string]any{"a": Unknown{injected}, "b": 1.0},
			"list": []any{Unknown{injected}, "x"}},
		"arr": []any{"x", Unknown{injected}},
	},
	vars: map[string]any{"prefix": "web"},
}

// match reports whether got is want, where want may hold unk leaves.
func match(got, want any) bool {
	switch w := want.(type) {
	case unk:
		u, ok := got.(Unknown)
		if w == "" {
			return ok && strings.Contains(u.Reason, injected)
		}
		return ok && strings.Contains(u.Reason, string(w))
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, v := range w {
			if gv, ok := g[k]; !ok || !match(gv, v) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !match(g[i], w[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(got, want)
}

// TestPartialEvaluation: for every function the evaluator knows, the
// result with known arguments, then with each argument in turn replaced by
// an unknown parameter: a known value when the answer does not depend on
// that argument, else an unknown carrying the argument's cause.
func TestPartialEvaluation(t *testing.T) {
	U := unk("")
	tests := []struct {
		fn      string
		args    []string
		known   any   // the result with every argument known
		unknown []any // the result with argument i unknown
	}{
		{"parameters", []string{"'mode'"}, "AutomaticByPlatform", []any{U}},
		{"variables", []string{"'prefix'"}, "web", []any{U}},
		{"concat", []string{"'a'", "'b'"}, "ab", []any{U, U}},
		{"concat", []string{"createArray(1)", "createArray(2)"}, []any{1.0, 2.0}, []any{U, U}},
		{"format", []string{"'{0}-{1}'", "'a'", "'b'"}, "a-b", []any{U, U, U}},
		{"format", []string{"'{0}'", "'a'", "'b'"}, "a", []any{U, U, "a"}},
		{"equals", []string{"'a'", "'A'"}, true, []any{U, U}},
		{"equals", []string{"createArray('a', 1)", "createArray('b', 1)"}, false, []any{U, U}},
		{"not", []string{"true"}, false, []any{U}},
		{"empty", []string{"''"}, true, []any{U}},
		{"contains", []string{"'abc'", "'B'"}, true, []any{U, U}},
		{"contains", []string{"createArray('a', 'b')", "'b'"}, true, []any{U, U}},
		{"contains", []string{"createObject('k', 1)", "'K'"}, true, []any{U, U}},
		{"contains", []string{"createObject()", "'k'"}, false, []any{U, false}},
		{"contains", []string{"createArray()", "'k'"}, false, []any{U, false}},
		{"string", []string{"1"}, "1", []any{U}},
		{"int", []string{"'42'"}, 42.0, []any{U}},
		{"bool", []string{"'true'"}, true, []any{U}},
		{"json", []string{`'{"a": 1}'`}, map[string]any{"a": 1.0}, []any{U}},
		{"createObject", []string{"'k'", "'v'"}, map[string]any{"k": "v"}, []any{unk("createObject: key 1 is not known, so no property of the object is: " + injected), map[string]any{"k": U}}},
		{"createArray", []string{"1", "2"}, []any{1.0, 2.0}, []any{[]any{U, 2.0}, []any{1.0, U}}},
		{"array", []string{"'a'"}, []any{"a"}, []any{U}},
		{"array", []string{"createArray(1)"}, []any{1.0}, []any{U}},
		{"null", nil, nil, nil},
		{"true", nil, true, nil},
		{"false", nil, false, nil},
		{"union", []string{"createObject('a', 1)", "createObject('b', 2)"}, map[string]any{"a": 1.0, "b": 2.0},
			[]any{unk("union: argument 1 is not known, so any property or element may come from it: " + injected), unk("union: argument 2 is not known")}},
		{"union", []string{"createArray(1)", "createArray(2, 1)"}, []any{1.0, 2.0}, []any{U, U}},
		{"length", []string{"createArray(1, 2)"}, 2.0, []any{U}},
		{"less", []string{"1", "2"}, true, []any{U, U}},
		{"lessOrEquals", []string{"2", "2"}, true, []any{U, U}},
		{"greater", []string{"1", "2"}, false, []any{U, U}},
		{"greaterOrEquals", []string{"3", "2"}, true, []any{U, U}},
		{"resourceGroup", []string{"'other'"}, unk("resourceGroup() with arguments is not evaluated"), []any{unk("resourceGroup() with arguments is not evaluated")}},
		{"copyIndex", nil, unk("copyIndex() differs for every copy"), nil},
		{"uniqueString", []string{"'a'"}, unk("uniqueString() is a hash patchcheck does not compute"), []any{unk("uniqueString() is a hash")}},
		{"guid", []string{"'a'"}, unk("guid() is a hash patchcheck does not compute"), []any{unk("guid() is a hash")}},
		{"newGuid", nil, unk("newGuid() is new at every deployment"), nil},
		{"utcNow", nil, unk("utcNow() is the time of the deployment"), nil},
		{"reference", []string{"'x'"}, unk("function reference() is not evaluated by patchcheck"), []any{unk("function reference() is not evaluated")}},
		{"if", []string{"true", "'a'", "'b'"}, "a", []any{U, U, "a"}},
		{"if", []string{"true", "'x'", "'x'"}, "x", []any{"x", U, "x"}},
		{"if", []string{"false", "'x'", "'X'"}, "X", []any{U, "X", U}},
		{"coalesce", []string{"null()", "'a'", "'b'"}, "a", []any{U, U, "a"}},
		{"and", []string{"true", "false"}, false, []any{false, U}},
		{"and", []string{"true", "true"}, true, []any{U, U}},
		{"or", []string{"false", "true"}, true, []any{true, U}},
		{"or", []string{"false", "false"}, false, []any{U, U}},
		{"tryGet", []string{"createObject('a', 1)", "'a'"}, 1.0, []any{U, U}},
		{"tryGet", []string{"createObject('a', 1)", "'b'"}, nil, []any{U, U}},
		{"tryGet", []string{"createArray(1, 2)", "1"}, 2.0, []any{U, U}},
		{"toLower", []string{"'AbC'"}, "abc", []any{U}},
		{"toUpper", []string{"'AbC'"}, "ABC", []any{U}},
		{"trim", []string{"'  a b  '"}, "a b", []any{U}},
		{"base64", []string{"'one, two'"}, "b25lLCB0d28=", []any{U}},
		{"startsWith", []string{"'abc'", "'AB'"}, true, []any{U, U}},
		{"endsWith", []string{"'abc'", "'BC'"}, true, []any{U, U}},
		{"replace", []string{"'a-b-c'", "'-'", "'+'"}, "a+b+c", []any{U, U, U}},
		{"uri", []string{"'https://x.org/a/b.json'", "'c.json'"}, "https://x.org/a/c.json", []any{U, U}},
		{"substring", []string{"'abcdef'", "1", "2"}, "bc", []any{U, U, U}},
		{"substring", []string{"'abcdef'", "4"}, "ef", []any{U, U}},
		{"split", []string{"'a,b;c'", "createArray(',', ';')"}, []any{"a", "b", "c"}, []any{U, U}},
		{"first", []string{"createArray(1, 2)"}, 1.0, []any{U}},
		{"last", []string{"'abc'"}, "c", []any{U}},
		{"skip", []string{"createArray(1, 2, 3)", "1"}, []any{2.0, 3.0}, []any{U, U}},
		{"take", []string{"'abc'", "2"}, "ab", []any{U, U}},
	}
	for _, context := range []string{"subscription", "resourceGroup", "deployment", "environment", "tenant", "managementGroup"} {
		tests = append(tests, struct {
			fn      string
			args    []string
			known   any
			unknown []any
		}{context, nil, DefaultContext(strings.ToLower(context), "pass --context FILE"), nil})
	}
	for _, tt := range tests {
		call := func(args []string) string { return "[" + tt.fn + "(" + strings.Join(args, ", ") + ")]" }
		if got := Eval(call(tt.args), partialScope); !match(got, tt.known) {
			t.Errorf("%s = %#v, want %#v", call(tt.args), got, tt.known)
		}
		if len(tt.unknown) != len(tt.args) {
			t.Errorf("%s: %d expectations for %d arguments", call(tt.args), len(tt.unknown), len(tt.args))
			continue
		}
		for i := range tt.args {
			args := append([]string(nil), tt.args...)
			args[i] = "parameters('u')"
			if got := Eval(call(args), partialScope); !match(got, tt.unknown[i]) {
				t.Errorf("%s = %#v, want %#v", call(args), got, tt.unknown[i])
			}
		}
	}
	// Every function the evaluator knows has a case above.
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[strings.ToLower(tt.fn)] = true
	}
	for _, fn := range knownFunctions(t) {
		if !covered[fn] {
			t.Errorf("function %s() has no partial evaluation case", fn)
		}
	}
}

// knownFunctions lists the function names the evaluator's switches on
// c.name handle, read from its source.
func knownFunctions(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	var names []string
	for _, file := range []string{"eval.go", "strings.go"} {
		f, err := goparser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sw, ok := n.(*ast.SwitchStmt)
			if !ok {
				return true
			}
			if sel, ok := sw.Tag.(*ast.SelectorExpr); !ok || sel.Sel.Name != "name" {
				return true
			}
			for _, s := range sw.Body.List {
				for _, e := range s.(*ast.CaseClause).List {
					if lit, ok := e.(*ast.BasicLit); ok {
						name, _ := strconv.Unquote(lit.Value)
						names = append(names, name)
					}
				}
			}
			return true
		})
	}
	sort.Strings(names)
	if len(names) < 40 {
		t.Fatalf("found only %d functions in the evaluator's source: %v", len(names), names)
	}
	return names
}

// TestPartialValues: objects and arrays with unknown members keep their
// known members through every function that reads them.
func TestPartialValues(t *testing.T) {
	U := unk("")
	tests := []struct {
		expr string
		want any
	}{
		{"[parameters('obj').known]", "k"},
		{"[parameters('obj').KNOWN]", "k"},
		{"[parameters('obj').unk]", U},
		{"[parameters('obj').unk.deeper]", U},
		{"[parameters('obj')['known']]", "k"},
		{"[parameters('obj')[parameters('u')]]", U},
		{"[parameters('obj').nested.b]", 1.0},
		{"[parameters('arr')[0]]", "x"},
		{"[parameters('arr')[1]]", U},
		{"[parameters('u')[0]]", U},
		{"[parameters('u').a]", U},
		{"[length(parameters('arr'))]", 2.0},
		{"[length(parameters('obj'))]", 4.0},
		{"[empty(parameters('obj'))]", false},
		{"[empty(parameters('arr'))]", false},
		{"[contains(parameters('obj'), 'unk')]", true},
		{"[contains(parameters('obj'), 'absent')]", false},
		{"[contains(parameters('arr'), 'x')]", true},
		{"[contains(parameters('arr'), 'y')]", U},
		{"[tryGet(parameters('obj'), 'nested', 'b')]", 1.0},
		{"[tryGet(parameters('obj'), 'nested', 'a')]", U},
		{"[tryGet(parameters('obj'), 'absent', 'a')]", nil},
		{"[tryGet(parameters('obj'), 'unk', 'a')]", U},
		{"[tryGet(parameters('obj'), 'list', 1)]", "x"},
		{"[tryGet(parameters('obj'), 'list', 5)]", nil},
		{"[createObject('a', parameters('obj').unk, 'b', 1)]", map[string]any{"a": U, "b": 1.0}},
		{"[createObject('a', createObject('b', parameters('u'), 'c', 'd')).a.c]", "d"},
		{"[createArray(parameters('u'), 1)[1]]", 1.0},
		{"[union(parameters('obj'), createObject('unk', 'now known'))]", map[string]any{"known": "k", "unk": "now known",
			"nested": map[string]any{"a": U, "b": 1.0}, "list": []any{U, "x"}}},
		{"[union(createObject('nested', createObject('c', 2)), parameters('obj')).nested]", map[string]any{"a": U, "b": 1.0, "c": 2.0}},
		{"[union(parameters('obj'), createObject('nested', createObject('c', 2))).nested]", map[string]any{"a": U, "b": 1.0, "c": 2.0}},
		// An earlier unknown member could be an object whose other
		// properties survive the merge: not known.
		{"[union(createObject('x', parameters('u')), createObject('x', createObject('c', 1))).x]", U},
		// A later scalar replaces it whatever it was.
		{"[union(createObject('x', parameters('u')), createObject('x', 5)).x]", 5.0},
		{"[union(createObject('x', 1), createObject('x', parameters('u'))).x]", U},
		{"[union(createObject('a', 1), parameters('u'))]", unk("union: argument 2 is not known, so any property or element may come from it: " + injected)},
		{"[union(parameters('arr'), createArray('x'))]", unk("union: cannot tell whether an element repeats an earlier one: " + injected)},
		{"[union(createArray('y'), createArray('x'))]", []any{"y", "x"}},
		{"[equals(parameters('arr'), createArray('y', 1))]", false},
		{"[equals(parameters('arr'), createArray('x', 1))]", U},
		{"[equals(parameters('arr'), createArray('x'))]", false},
		{"[equals(parameters('obj'), createObject())]", false},
		{"[equals(parameters('u'), parameters('u'))]", U},
		{"[if(parameters('u'), 'a', 'a')]", "a"},
		{"[if(parameters('u'), createObject('a', 1), createObject('a', 1))]", map[string]any{"a": 1.0}},
		{"[if(parameters('u'), parameters('obj'), parameters('obj'))]", U},
		{"[if(parameters('u'), createObject('a', 1), null())]", U},
		{"[if(true, parameters('obj'), parameters('u')).known]", "k"},
		{"[coalesce(null(), parameters('obj')).known]", "k"},
		{"[coalesce(parameters('u'), 'a')]", U},
		{"[and(false, parameters('u'))]", false},
		{"[and(parameters('u'), false)]", false},
		{"[or(parameters('u'), true)]", true},
		{"[not(parameters('u'))]", U},
		{"[string(parameters('obj'))]", U},
		{"[string(parameters('obj').nested.b)]", "1"},
		{"[concat('a', parameters('arr'))]", U},
		{"[concat(parameters('arr'), createArray(1))]", []any{"x", U, 1.0}},
		{"[first(parameters('arr'))]", "x"},
		{"[last(parameters('arr'))]", U},
		{"[skip(parameters('arr'), 1)]", []any{U}},
		{"[take(parameters('arr'), 1)]", []any{"x"}},
		{"[format('{0}', parameters('obj').known)]", "k"},
		{"[json('{\"a\": {\"b\": 1}}').a.b]", 1.0},
		{"[array(parameters('arr'))[0]]", "x"},
	}
	for _, tt := range tests {
		if got := Eval(tt.expr, partialScope); !match(got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.expr, got, tt.want)
		}
	}
}

// TestCauses: an answer left open by several unknowns names each cause
// once, so a user who supplies one learns of the others.
func TestCauses(t *testing.T) {
	s := mapScope{params: map[string]any{"a": Unknown{"a unknown"}, "b": Unknown{"b unknown"}, "c": Unknown{"c unknown"}, "d": Unknown{"d unknown"}}}
	tests := []struct{ expr, reason string }{
		{"[and(parameters('a'), parameters('b'), parameters('a'))]", "a unknown; b unknown"},
		{"[or(parameters('a'), parameters('b'), parameters('c'), parameters('d'))]", "a unknown; b unknown; c unknown; and other unknowns"},
		{"[equals(createArray(parameters('a'), parameters('b')), createArray(1, 2))]", "a unknown; b unknown"},
		{"[contains(createArray(parameters('a'), parameters('b')), 1)]", "a unknown; b unknown"},
		{"[if(parameters('a'), parameters('b'), 1)]", "a unknown; b unknown"},
		{"[if(parameters('a'), 2, 1)]", "a unknown"},
		{"[and(parameters('a'), 'x')]", "a unknown"},
		{"[and(true, 'x')]", "and: arguments must be booleans"},
	}
	for _, tt := range tests {
		got := Eval(tt.expr, s)
		if u, ok := got.(Unknown); !ok || u.Reason != tt.reason {
			t.Errorf("%s = %#v, want Unknown %q", tt.expr, got, tt.reason)
		}
	}
}

// TestURI: uri() combines as .NET's Uri(Uri, string) does.
func TestURI(t *testing.T) {
	tests := []struct {
		base, rel string
		want      any
	}{
		{"https://raw.githubusercontent.com/org/repo/main/azuredeploy.json", "nestedtemplates/vm.json", "https://raw.githubusercontent.com/org/repo/main/nestedtemplates/vm.json"},
		{"https://x.blob.core.windows.net/c/", "nested/vm.json", "https://x.blob.core.windows.net/c/nested/vm.json"},
		{"https://x.org/a/b/main.json?sv=2020&sig=abc", "linked.json", "https://x.org/a/b/linked.json"},
		{"https://x.org/a/b/main.json", "../shared/vm.json", "https://x.org/a/shared/vm.json"},
		{"https://x.org/a/b/main.json", "/root.json", "https://x.org/root.json"},
		{"https://x.org", "a.json", "https://x.org/a.json"},
		{"HTTPS://X.ORG:443/A/b.json", "c.json", "https://x.org/A/c.json"},
		{"https://x.org:8443/a/b.json", "c.json", "https://x.org:8443/a/c.json"},
		{"https://x.org/a/b.json", "https://other.org/v.json", "https://other.org/v.json"},
		{"https://x.org/a/b.json", "?q=1", "https://x.org/a/b.json?q=1"},
		{"https://x.org/a/b.json", "", "https://x.org/a/b.json"},
		{"nestedtemplates/", "vm.json", unk("is not an absolute URI")},
		{"https://x.org/a b/", "vm.json", unk("whose escaping patchcheck does not reproduce")},
		{"https://x.org/a/", "v%20m.json", unk("whose escaping patchcheck does not reproduce")},
		{"https://x.org/a/", "vé.json", unk("whose escaping patchcheck does not reproduce")},
	}
	for _, tt := range tests {
		expr := fmt.Sprintf("[uri('%s', '%s')]", tt.base, tt.rel)
		if got := Eval(expr, partialScope); !match(got, tt.want) {
			t.Errorf("%s = %#v, want %#v", expr, got, tt.want)
		}
	}
}

// TestStringFunctions: the string and sequence functions on known values,
// and their errors.
func TestStringFunctions(t *testing.T) {
	tests := []struct {
		expr string
		want any
	}{
		{"[replace('AbAb', 'b', 'c')]", "AcAc"},
		{"[replace('a', '', 'c')]", unk("the string to replace is empty")},
		{"[substring('abc', 0)]", "abc"},
		{"[substring('abc', 3)]", ""},
		{"[substring('abc', 2, 2)]", unk("outside the string")},
		{"[substring('abc', -1)]", unk("outside the string")},
		{"[substring('abc', 1.5)]", unk("must be a whole number")},
		{"[split('a,,b', ',')]", []any{"a", "", "b"}},
		{"[split('', ',')]", []any{""}},
		{"[split('a--b', '--')]", []any{"a", "b"}},
		{"[split('a', '')]", unk("an empty delimiter")},
		{"[split('a', createArray(parameters('u')))]", unk(injected)},
		{"[first(createArray())]", unk("the array is empty")},
		{"[last('')]", unk("the string is empty")},
		{"[skip('abc', -1)]", "abc"},
		{"[skip('abc', 9)]", ""},
		{"[take(createArray(1, 2), 9)]", []any{1.0, 2.0}},
		{"[take(createArray(1, 2), 0)]", []any{}},
		{"[startsWith('Windows', 'win')]", true},
		{"[endsWith('Windows', 'DOWS')]", true},
		{"[toLower(1)]", unk("argument 1 must be a string, not a number")},
		{"[less('a', 'b')]", unk("patchcheck compares numbers only")},
		{"[array(createArray(1), 2)]", []any{[]any{1.0}, 2.0}},
	}
	for _, tt := range tests {
		if got := Eval(tt.expr, partialScope); !match(got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.expr, got, tt.want)
		}
	}
}

// contextScope answers resourceGroup() and nothing else.
type contextScope struct{ mapScope }

func (contextScope) Context(function string) any {
	if function == "resourcegroup" {
		return map[string]any{"name": "rg-prod", "location": "westeurope", "tags": Unknown{"tags not given"}}
	}
	return nil
}

// TestContext: deployment context functions are objects whose properties
// are unknown leaves, unless the scope supplies them.
func TestContext(t *testing.T) {
	tests := []struct {
		scope Scope
		expr  string
		want  any
	}{
		{partialScope, "[resourceGroup().location]", unk("resourceGroup().location is not known: pass --context FILE")},
		{partialScope, "[resourceGroup().type]", "Microsoft.Resources/resourceGroups"},
		{partialScope, "[resourceGroup().properties.provisioningState]", unk("resourceGroup().properties.provisioningState is not known")},
		{partialScope, "[subscription().subscriptionId]", unk("subscription().subscriptionId is not known: pass --context FILE")},
		{partialScope, "[deployment().properties.templateLink.uri]", unk("deployment().properties.templateLink is not known")},
		{partialScope, "[environment().suffixes.storage]", unk("environment().suffixes.storage is not known")},
		{partialScope, "[tenant().tenantId]", unk("tenant().tenantId is not known")},
		{partialScope, "[managementGroup().name]", unk("managementGroup().name is not known")},
		{partialScope, "[empty(resourceGroup())]", false},
		{partialScope, "[contains(subscription(), 'displayName')]", true},
		{partialScope, "[createObject('location', resourceGroup().location, 'mode', 'x').mode]", "x"},
		{partialScope, "[concat(subscription().id, '/x')]", unk("subscription().id is not known")},
		{contextScope{partialScope}, "[resourceGroup().location]", "westeurope"},
		{contextScope{partialScope}, "[resourceGroup().tags]", unk("tags not given")},
		{contextScope{partialScope}, "[subscription().id]", unk("subscription().id is not known: pass --context FILE")},
	}
	for _, tt := range tests {
		if got := Eval(tt.expr, tt.scope); !match(got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.expr, got, tt.want)
		}
	}
}

// dagScope: each variable is an array holding the previous one twice, so
// v40 stands for 2^40 values in a few hundred bytes.
type dagScope struct{ mapScope }

func newDAGScope(levels int, budget int) (dagScope, *Budget) {
	vars := map[string]any{"v0": "abcdefgh"}
	for i := 1; i <= levels; i++ {
		prev := vars[fmt.Sprintf("v%d", i-1)]
		vars[fmt.Sprintf("v%d", i)] = []any{prev, prev}
	}
	return dagScope{mapScope{vars: vars}}, NewBudget(budget)
}

type budgetScope struct {
	dagScope
	b *Budget
}

func (s budgetScope) Budget() *Budget { return s.b }

// TestBudget: values shared by reference can stand for more than fits in
// memory; walking or building them stops at the budget with an Unknown
// saying so, instead of hanging.
func TestBudget(t *testing.T) {
	s, _ := newDAGScope(60, 0)
	for _, expr := range []string{
		"[string(variables('v60'))]",
		"[equals(variables('v60'), variables('v60'))]",
		"[concat('a', variables('v60'))]",
		"[contains(variables('v60'), variables('v59'))]",
		"[union(variables('v60'), createArray('x'))]",
		"[if(parameters('missing'), variables('v60'), variables('v60'))]",
	} {
		got := Eval(expr, budgetScope{s, NewBudget(1 << 20)})
		if u, ok := got.(Unknown); !ok || !strings.Contains(u.Reason, "larger than patchcheck evaluates (1 MiB)") {
			t.Errorf("%s = %T, want the budget's Unknown", expr, got)
		}
	}
	// Within the budget, the same functions answer; a shared budget,
	// once spent, stays spent for the template's other expressions.
	shared := budgetScope{s, NewBudget(1 << 20)}
	if got := Eval("[length(string(variables('v3')))]", shared); got != 101.0 {
		t.Errorf("string of v3 has length %v, want 101", got)
	}
	Eval("[string(variables('v60'))]", shared)
	if got, ok := Eval("[concat('a', 'b')]", shared).(Unknown); !ok {
		t.Errorf("after the budget is spent: %v, want Unknown", got)
	}
	// Without a shared budget, each evaluation has its own.
	if got := Eval("[concat('a', 'b')]", s); got != "ab" {
		t.Errorf("own budget: %v", got)
	}
}
