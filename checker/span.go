package checker

import (
	"strings"
	"unicode/utf8"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

// setEndColumns gives each finding the column after its text, read from
// the source of the document it points into: a finding stands on a
// property's name (or on a value), so its text is that string token and,
// after the colon, the property's value when that is a string, number,
// true, false or null on the same line. A finding on anything else (an
// object, a place the source does not show) keeps EndColumn 0, unknown.
func setEndColumns(docs map[string]*jsonpos.Document, findings []model.Finding) {
	for i := range findings {
		x := &findings[i]
		doc := docs[x.File]
		if doc == nil || x.Line <= 0 || x.Column <= 0 {
			continue
		}
		src := doc.Source()
		off, ok := doc.Offset(x.Line, x.Column)
		if !ok {
			continue
		}
		end := scalarEnd(src, off)
		if end < 0 {
			continue
		}
		if src[off] == '"' {
			// A name: its value too, when a scalar follows on the line.
			if j := skipBlanks(src, end); j < len(src) && src[j] == ':' {
				if v := scalarEnd(src, skipBlanks(src, j+1)); v > 0 {
					end = v
				}
			}
		}
		x.EndColumn = x.Column + utf8.RuneCountInString(src[off:end])
	}
}

// scalarEnd is the offset after the JSON scalar token starting at off (a
// string, which must close on its line, a number, true, false or null), or
// -1 when no such token starts there.
func scalarEnd(src string, off int) int {
	if off >= len(src) {
		return -1
	}
	switch c := src[off]; {
	case c == '"':
		for i := off + 1; i < len(src); i++ {
			switch src[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			case '\n':
				return -1
			}
		}
		return -1
	case c == '-' || c >= '0' && c <= '9':
		i := off + 1
		for i < len(src) && strings.IndexByte("0123456789+-.eE", src[i]) >= 0 {
			i++
		}
		return i
	default:
		for _, lit := range []string{"true", "false", "null"} {
			if strings.HasPrefix(src[off:], lit) {
				return off + len(lit)
			}
		}
	}
	return -1
}

// skipBlanks skips spaces and tabs (not line breaks: the region stays on
// its line).
func skipBlanks(src string, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return i
}
