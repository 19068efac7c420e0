package fleet

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a fleet file, pinned to where it is.
type Error struct {
	File    string // the name given to Load
	Line    int    // 1-based; 0 only when the file could not be read as YAML at all
	Column  int    // 1-based; 0 when unknown
	Field   string // path to the offending value, e.g. vms[3].timeZone; empty for the whole file
	Message string // what is wrong and what was expected
}

// Error formats the problem as FILE:LINE:COLUMN: FIELD: MESSAGE.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors is every problem Load found, sorted by position. Load returns a
// non-empty Errors whenever it fails.
type Errors []*Error

// Error lists the problems, one a line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap gives the individual problems to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// sortErrors orders problems by line, column and field, and drops exact
// duplicates (the same failure reached along two schema paths).
func sortErrors(es Errors) Errors {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Field < b.Field
	})
	out := es[:0]
	for _, e := range es {
		if len(out) > 0 && *e == *out[len(out)-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}
