package model

import (
	"strings"
	"unicode/utf8"
)

// MaxQuoted is how many characters of one input value a message quotes:
// a hostile template's huge string must not be copied into every finding
// and every output format.
const MaxQuoted = 200

// Clip shortens s to MaxQuoted characters, marking the cut with "…".
func Clip(s string) string { return ClipTo(s, MaxQuoted) }

// ClipTo shortens s to n characters (runes), marking the cut with "…".
func ClipTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for count := 0; i < len(s) && count < n; count++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	if i >= len(s) {
		return s
	}
	return strings.ToValidUTF8(s[:i], "") + "…"
}
