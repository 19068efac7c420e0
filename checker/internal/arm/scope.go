package arm

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/armexpr"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

// scope resolves the parameters and variables of one template for the
// expression evaluator. Values are computed on first use and remembered;
// a variable that refers to itself is unknown, not a hang.
type scope struct {
	doc      *jsonpos.Document         // the file the template is in, for positions
	params   map[string]*jsonpos.Value // lower-case name -> declaration
	supplied map[string]supplied       // lower-case name -> value given by the caller
	vars     map[string]*jsonpos.Member
	defs     *jsonpos.Value // the template's type definitions, for "$ref"
	cache    map[string]entry
	busy     map[string]bool
	// collect gathers, for the evaluation under way, the places whose
	// values it used (innermost last), so findings can point at them.
	collect []*places
	// unknown marks the placeholders of unknown parts inside resolved
	// values, with the reason.
	unknown map[*jsonpos.Value]string
	// context is the value of each deployment context function (lower-case
	// name) the user supplied; the evaluator's default for the others.
	context map[string]any
	// budget bounds the work of the template's expressions, nested
	// templates included (armexpr.Budget).
	budget *armexpr.Budget
	// allUnknown, when set, is why no parameter has a known value: the
	// deployment passes them in a way patchcheck cannot read.
	allUnknown string
	// exact: the document holds values Azure has evaluated already (a
	// what-if's before and after states), so a string in square brackets
	// is that string, never an expression, and "[[" is not an escape.
	exact bool
}

// supplied is a parameter value from outside the template: a parameter
// file, or a nested deployment's properties.parameters.
type supplied struct {
	value  func() any
	origin model.Related
}

type entry struct {
	value   any
	origins []model.Related
}

// exactScope is the scope of a document whose values Azure evaluated: no
// parameters, no variables, no expressions.
func exactScope(doc *jsonpos.Document) *scope {
	s := newScope(doc, nil)
	s.exact = true
	return s
}

// expression is expression(v), except in an exact document, where no
// string is an expression.
func (s *scope) expression(v *jsonpos.Value) (string, bool) {
	if s != nil && s.exact {
		return "", false
	}
	return expression(v)
}

// literal is a string value as Azure reads it: literalString(v), except in
// an exact document, where "[[" was unescaped already.
func (s *scope) literal(v *jsonpos.Value) string {
	if s != nil && s.exact {
		return v.Str
	}
	return literalString(v)
}

func newScope(doc *jsonpos.Document, template *jsonpos.Value) *scope {
	s := &scope{
		doc: doc, params: map[string]*jsonpos.Value{}, supplied: map[string]supplied{},
		vars: map[string]*jsonpos.Member{}, cache: map[string]entry{}, busy: map[string]bool{},
		budget: armexpr.NewBudget(armexpr.DefaultBudget),
	}
	if template == nil || template.Kind != jsonpos.Object {
		return s
	}
	if p := template.Get("parameters"); p != nil && p.Kind == jsonpos.Object {
		for _, m := range p.Members {
			s.params[strings.ToLower(m.Key)] = m.Value
		}
	}
	if d := template.Get("definitions"); d != nil && d.Kind == jsonpos.Object {
		s.defs = d
	}
	if v := template.Get("variables"); v != nil && v.Kind == jsonpos.Object {
		for i := range v.Members {
			s.vars[strings.ToLower(v.Members[i].Key)] = &v.Members[i]
		}
	}
	return s
}

// Parameter implements armexpr.Scope: a supplied value, else the
// parameter's defaultValue.
func (s *scope) Parameter(name string) any {
	key := "p:" + strings.ToLower(name)
	return s.memo(key, func() (any, *model.Related) {
		if sup, ok := s.supplied[strings.ToLower(name)]; ok {
			o := sup.origin
			return sup.value(), &o
		}
		decl, ok := s.params[strings.ToLower(name)]
		if ok && s.allUnknown != "" {
			return armexpr.Unknown{Reason: s.allUnknown}, nil
		}
		if !ok {
			return armexpr.Unknown{Reason: fmt.Sprintf("parameter '%s' is not declared", name)}, nil
		}
		m := decl.GetMember("defaultValue")
		if m == nil && s.nullable(decl) {
			// A nullable parameter (Bicep's "param x T?") that is not
			// given a value is null.
			o := s.origin(decl.Offset, fmt.Sprintf("parameter '%s', nullable and given no value", name))
			return nil, &o
		}
		if m == nil {
			return armexpr.Unknown{Reason: fmt.Sprintf("parameter '%s' has no defaultValue and no value was supplied", name)}, nil
		}
		o := s.origin(m.KeyOffset, fmt.Sprintf("default value of parameter '%s'", name))
		return s.resolve(m.Value), &o
	})
}

// nullable reports whether a parameter declaration says "nullable": true,
// itself or through the type definition its "$ref" names.
func (s *scope) nullable(decl *jsonpos.Value) bool {
	for range 8 { // a chain of definitions; a cycle ends here
		if n := decl.Get("nullable"); n != nil && n.Kind == jsonpos.Bool {
			return n.Bool
		}
		ref := decl.Get("$ref")
		if ref == nil || ref.Kind != jsonpos.String || !strings.HasPrefix(ref.Str, "#/definitions/") {
			return false
		}
		def := s.defs.Get(strings.TrimPrefix(ref.Str, "#/definitions/"))
		if def == nil {
			return false
		}
		decl = def
	}
	return false
}

// Variable implements armexpr.Scope.
func (s *scope) Variable(name string) any {
	key := "v:" + strings.ToLower(name)
	return s.memo(key, func() (any, *model.Related) {
		m, ok := s.vars[strings.ToLower(name)]
		if !ok {
			return armexpr.Unknown{Reason: fmt.Sprintf("variable '%s' is not defined", name)}, nil
		}
		o := s.origin(m.KeyOffset, fmt.Sprintf("variable '%s'", name))
		return s.resolve(m.Value), &o
	})
}

func (s *scope) origin(offset int, msg string) model.Related {
	line, col := s.doc.Position(offset)
	return model.Related{Position: model.Position{File: s.doc.Name, Line: line, Column: col}, Message: msg}
}

// memo computes a parameter or variable once, remembering its value and
// the places it came from, and reports those places to the evaluation under
// way.
func (s *scope) memo(key string, compute func() (any, *model.Related)) any {
	e, ok := s.cache[key]
	if !ok {
		if s.busy[key] {
			return armexpr.Unknown{Reason: fmt.Sprintf("%s refers to itself", key[2:])}
		}
		s.busy[key] = true
		s.collect = append(s.collect, &places{})
		v, own := compute()
		inner := s.collect[len(s.collect)-1]
		s.collect = s.collect[:len(s.collect)-1]
		delete(s.busy, key)
		e = entry{value: v}
		if own != nil {
			e.origins = append(e.origins, *own)
		}
		e.origins = model.UniqueRelated(append(e.origins, inner.list...))
		s.cache[key] = e
	}
	if n := len(s.collect); n > 0 {
		s.collect[n-1].add(e.origins)
	}
	return e.value
}

// places is a list of places, each once: a variable that uses another
// twice would otherwise double the list at every level.
type places struct {
	list []model.Related
	seen map[model.Related]bool
}

func (p *places) add(rs []model.Related) {
	for _, r := range rs {
		// Most lists are short: a map only for the long ones.
		if p.seen == nil && len(p.list) >= 16 {
			p.seen = make(map[model.Related]bool, 2*len(p.list))
			for _, x := range p.list {
				p.seen[x] = true
			}
		}
		switch {
		case p.seen != nil:
			if p.seen[r] {
				continue
			}
			p.seen[r] = true
		case slices.Contains(p.list, r):
			continue
		}
		p.list = append(p.list, r)
	}
}

// eval evaluates an expression and returns the places its value came from.
func (s *scope) eval(expr string) (any, []model.Related) {
	s.collect = append(s.collect, &places{})
	v := armexpr.Eval(expr, s)
	origins := s.collect[len(s.collect)-1]
	s.collect = s.collect[:len(s.collect)-1]
	return v, origins.list
}

// resolve turns a template value into a plain value, evaluating every
// expression inside it (ARM evaluates expressions nested in variables and
// default values too). An unknown element or property stays unknown on its
// own; the rest of the value is still known.
func (s *scope) resolve(v *jsonpos.Value) any {
	switch v.Kind {
	case jsonpos.String:
		if armexpr.IsExpression(v.Str) {
			return armexpr.Eval(v.Str, s)
		}
		return literalString(v)
	case jsonpos.Number:
		return synthNumber(v.Str)
	case jsonpos.Bool:
		return v.Bool
	case jsonpos.Null:
		return nil
	case jsonpos.Array:
		// An unknown element or property stays unknown on its own: the
		// rest of the value is still known (an ssh key path built from a
		// parameter without a default must not hide patchSettings).
		out := make([]any, len(v.Items))
		for i, item := range v.Items {
			out[i] = s.resolve(item)
		}
		return out
	case jsonpos.Object:
		out := make(map[string]any, len(v.Members))
		for _, m := range v.Members {
			out[m.Key] = s.resolve(m.Value)
		}
		return out
	}
	return armexpr.Unknown{Reason: "unsupported value"}
}

// syntheticCost is what one node of a synthetic value takes from the
// budget, whose units are string bytes: a node is far larger.
const syntheticCost = 64

// synthetic turns a resolved value into a jsonpos tree whose every offset is
// the expression's, so findings about it point at the expression. Unknown
// parts become placeholders remembered in s.unknown with their reason.
func (s *scope) synthetic(v any, offset int) *jsonpos.Value {
	out := &jsonpos.Value{Offset: offset}
	if !s.budget.Spend(syntheticCost) {
		// A value shared many times over stands for more than fits in
		// memory: what is left is unknown.
		v = s.budget.Exhausted()
	}
	switch x := v.(type) {
	case armexpr.Unknown:
		out.Kind = jsonpos.String
		if s.unknown == nil {
			s.unknown = map[*jsonpos.Value]string{}
		}
		s.unknown[out] = x.Reason
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
			out.Items = append(out.Items, s.synthetic(item, offset))
		}
	case map[string]any:
		out.Kind = jsonpos.Object
		keys := make([]string, 0, len(x))
		for k, v := range x {
			// ARM leaves out a property whose value is null: Bicep's
			// idiom for a property set only on a condition
			// (if(cond, value, null())).
			if v != nil {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			out.Members = append(out.Members, jsonpos.Member{Key: k, KeyOffset: offset, Value: s.synthetic(x[k], offset)})
		}
	default:
		out.Kind = jsonpos.Null
	}
	return out
}

func synthNumber(s string) any {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return armexpr.Unknown{Reason: "bad number " + s}
	}
	return f
}
