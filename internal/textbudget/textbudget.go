// Package textbudget keeps a report within a size its consumer accepts
// (a GitHub pull-request comment, a job summary; docs/outputs.md gives
// their limits). A report adds what it must show and then, while they fit,
// the rows it can leave out, and says how many it left out.
package textbudget

import "unicode/utf8"

// Limit is a size in characters (Unicode code points) and in bytes of
// UTF-8; 0 means no limit of that kind.
type Limit struct{ Chars, Bytes int }

// None reports whether l limits nothing.
func (l Limit) None() bool { return l.Chars <= 0 && l.Bytes <= 0 }

// Budget counts what a report has written against its Limit.
type Budget struct {
	Limit
	chars, bytes int
}

// New returns an empty budget of l.
func New(l Limit) *Budget { return &Budget{Limit: l} }

// Fits reports whether s, and reserve more bytes (and characters) after
// it, still fit.
func (b *Budget) Fits(s string, reserve int) bool {
	c, n := b.chars+utf8.RuneCountInString(s)+reserve, b.bytes+len(s)+reserve
	return (b.Chars <= 0 || c <= b.Chars) && (b.Bytes <= 0 || n <= b.Bytes)
}

// Add counts s, whether it fits or not: for what a report always shows.
func (b *Budget) Add(s string) {
	b.chars += utf8.RuneCountInString(s)
	b.bytes += len(s)
}

// TryAdd counts s and returns true when s and reserve still fit; else it
// counts nothing and returns false.
func (b *Budget) TryAdd(s string, reserve int) bool {
	if !b.Fits(s, reserve) {
		return false
	}
	b.Add(s)
	return true
}
