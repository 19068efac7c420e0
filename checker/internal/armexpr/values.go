package armexpr

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Budget bounds the work of evaluating one template's expressions. Values
// are shared, not copied (a variable used twice is one value), so a few
// lines of variables that each double the previous one describe a value too
// large to walk or build: every value built and every element walked is
// paid for, and once the budget is spent the evaluator answers Unknown
// instead of running out of time or memory.
type Budget struct {
	left, limit int
}

// DefaultBudget is the budget of an evaluation whose scope shares none, in
// units of one string byte or one element: well above what real templates
// build, small enough to stay in memory.
const DefaultBudget = 64 << 20

// NewBudget returns a budget of units (one string byte or one element
// built or walked each).
func NewBudget(units int) *Budget { return &Budget{left: units, limit: units} }

// BudgetScope is optionally implemented by a Scope whose evaluations share
// one Budget (a template's parameters and variables are evaluated once and
// used by many expressions).
type BudgetScope interface {
	Budget() *Budget
}

// Spend takes n units, and reports false when the budget is spent.
func (b *Budget) Spend(n int) bool {
	if b.left < n {
		b.left = 0
		return false
	}
	b.left -= n
	return true
}

// Exhausted is the Unknown given once the budget is spent.
func (b *Budget) Exhausted() Unknown {
	return Unknown{fmt.Sprintf("the template's expressions build values larger than patchcheck evaluates (%d MiB): they are left unknown", b.limit>>20)}
}

// findUnknown returns the first Unknown inside v (properties in key order),
// or ok false when v is fully known. A value too large for the budget
// counts as unknown.
func (e *evaluator) findUnknown(v any) (Unknown, bool) {
	switch v.(type) {
	case map[string]any, []any:
	case Unknown:
		return v.(Unknown), true
	default:
		return Unknown{}, false
	}
	// Most values are fully known: look without ordering first.
	switch e.hasUnknown(v) {
	case noUnknown:
		return Unknown{}, false
	case tooLarge:
		return e.budget.Exhausted(), true
	}
	return firstUnknown(v)
}

type search int

const (
	noUnknown search = iota
	foundUnknown
	tooLarge
)

func (e *evaluator) hasUnknown(v any) search {
	switch x := v.(type) {
	case Unknown:
		return foundUnknown
	case map[string]any:
		if !e.budget.Spend(len(x)) {
			return tooLarge
		}
		for _, m := range x {
			if r := e.hasUnknown(m); r != noUnknown {
				return r
			}
		}
	case []any:
		if !e.budget.Spend(len(x)) {
			return tooLarge
		}
		for _, m := range x {
			if r := e.hasUnknown(m); r != noUnknown {
				return r
			}
		}
	}
	return noUnknown
}

// firstUnknown is called only once hasUnknown found one within the budget,
// so it walks no more than that did.
func firstUnknown(v any) (Unknown, bool) {
	switch x := v.(type) {
	case Unknown:
		return x, true
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if u, ok := firstUnknown(x[k]); ok {
				return u, true
			}
		}
	case []any:
		for _, m := range x {
			if u, ok := firstUnknown(m); ok {
				return u, true
			}
		}
	}
	return Unknown{}, false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// equal is ARM's equals: deep equality, strings compared without case at the
// top level (as patchcheck always has). The answer is a bool when it does
// not depend on the unknown parts (values of different types, arrays of
// different lengths, objects with different properties, or a known pair
// that differs), else the first deciding Unknown.
func (e *evaluator) equal(a, b any, top bool) any {
	if u, ok := a.(Unknown); ok {
		return u
	}
	if u, ok := b.(Unknown); ok {
		return u
	}
	if !e.budget.Spend(1) {
		return e.budget.Exhausted()
	}
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		if !ok {
			return false
		}
		if top {
			return strings.EqualFold(x, y)
		}
		return x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		var open causes
		for i := range x {
			r := e.equal(x[i], y[i], false)
			if r == false {
				return false
			}
			open.add(r)
		}
		if u, ok := open.unknown(); ok {
			return u
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		var open causes
		for _, k := range sortedKeys(x) {
			yv, ok := y[k]
			if !ok {
				return false
			}
			r := e.equal(x[k], yv, false)
			if r == false {
				return false
			}
			open.add(r)
		}
		if u, ok := open.unknown(); ok {
			return u
		}
		return true
	}
	return false
}

// causes gathers the unknowns that leave an answer open when a known value
// elsewhere could still have decided it (and, or, equals, contains, if):
// the answer is unknown because of all of them, so all are named, each
// once, and a user who supplies one of them learns of the others too.
type causes struct {
	reasons []string
	more    bool
}

// maxCauses bounds the reasons named in one Unknown: reasons of reasons
// would otherwise grow with every level of variables.
const maxCauses = 3

// elided ends a reason some of whose causes were left out.
const elided = "; and other unknowns"

func (c *causes) add(v any) {
	u, ok := v.(Unknown)
	if !ok {
		return
	}
	r, more := strings.CutSuffix(u.Reason, elided)
	c.more = c.more || more
	for _, part := range strings.Split(r, "; ") {
		switch {
		case slices.Contains(c.reasons, part):
		case len(c.reasons) == maxCauses:
			c.more = true
		default:
			c.reasons = append(c.reasons, part)
		}
	}
}

func (c *causes) unknown() (Unknown, bool) {
	if len(c.reasons) == 0 {
		return Unknown{}, false
	}
	r := strings.Join(c.reasons, "; ")
	if c.more {
		r += elided
	}
	return Unknown{r}, true
}
