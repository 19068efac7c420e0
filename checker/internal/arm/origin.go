package arm

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/schemas"
)

// maxDeclarationHops bounds how many variables declaredMember follows from
// one to the next, so variables that refer to each other cannot loop, and
// maxDeclarationVisits how many it reads in all, so a hostile template
// whose variables each name many others cannot make the search explode.
const (
	maxDeclarationHops   = 8
	maxDeclarationVisits = 256
)

// references finds the variables and parameters an expression names with a
// literal name: the places a value resolved from it can come from.
var references = regexp.MustCompile(`(?i)\b(variables|parameters)\s*\(\s*'((?:[^']|'')*)'\s*\)`)

// declaredMember finds where an unknown part of a resolved value is
// written in the template. A windowsConfiguration resolved from
// [variables('wc')] whose patchSettings is [parameters('ps')], a parameter
// without a value, is unknown at variables.wc.patchSettings: that member's
// key, not the value of windowsConfiguration, is what PC011 should point at.
// prop is the unknown part's property path and expr the expression its
// value was resolved from; the longest tail of prop that leads, through the
// variables and parameter defaults expr names, to exactly one member whose
// value is an expression is the answer. Anything less certain (a value
// built by createObject, two candidates) is not found.
func declaredMember(sc *scope, prop, expr string) (*jsonpos.Member, bool) {
	if sc == nil {
		return nil, false
	}
	segs := strings.Split(prop, ".")
	budget := maxDeclarationVisits
	for k := len(segs); k >= 1; k-- {
		found := map[*jsonpos.Member]bool{}
		sc.memberIn(expr, segs[len(segs)-k:], 0, &budget, found)
		if budget <= 0 {
			return nil, false // not searched to the end: not certain
		}
		if len(found) == 1 {
			for m := range found {
				return m, true
			}
		}
		if len(found) > 1 {
			return nil, false
		}
	}
	return nil, false
}

// memberIn adds to found the members at path below each variable or
// parameter default that expr names, when their values are expressions.
func (s *scope) memberIn(expr string, path []string, hops int, budget *int, found map[*jsonpos.Member]bool) {
	if hops > maxDeclarationHops {
		return
	}
	for _, ref := range references.FindAllStringSubmatch(expr, -1) {
		if *budget--; *budget <= 0 {
			return
		}
		name := strings.ToLower(strings.ReplaceAll(ref[2], "''", "'"))
		var v *jsonpos.Value
		if strings.EqualFold(ref[1], "variables") {
			if m, ok := s.vars[name]; ok {
				v = m.Value
			}
		} else if _, supplied := s.supplied[name]; !supplied {
			// A supplied value may come from another file; only a default
			// is written in this one.
			if decl, ok := s.params[name]; ok {
				v = decl.Get("defaultValue")
			}
		}
		s.memberAt(v, path, hops, budget, found)
	}
}

func (s *scope) memberAt(v *jsonpos.Value, path []string, hops int, budget *int, found map[*jsonpos.Member]bool) {
	if v == nil {
		return
	}
	if e, ok := expression(v); ok {
		s.memberIn(e, path, hops+1, budget, found)
		return
	}
	m := v.GetMember(path[0])
	switch {
	case m == nil:
	case len(path) == 1:
		if _, ok := expression(m.Value); ok {
			found[m] = true
		}
	default:
		s.memberAt(m.Value, path[1:], hops, budget, found)
	}
}

// pointerTo returns the JSON pointer of target, a value of the document
// under root. Values hold only their start offsets, in source order, so the
// walk steps into the last member or item that starts at or before target:
// the cost is the depth times the width, not the size of the document.
func pointerTo(root, target *jsonpos.Value) (string, bool) {
	ptr, v := "", root
	for v != nil && v != target {
		var next *jsonpos.Value
		seg := ""
		switch v.Kind {
		case jsonpos.Object:
			for _, m := range v.Members {
				if m.Value.Offset > target.Offset {
					break
				}
				next, seg = m.Value, schemas.EscapePointer(m.Key)
			}
		case jsonpos.Array:
			for i, item := range v.Items {
				if item.Offset > target.Offset {
					break
				}
				next, seg = item, strconv.Itoa(i)
			}
		}
		if next == nil {
			return "", false
		}
		ptr, v = ptr+"/"+seg, next
	}
	return ptr, v == target
}
