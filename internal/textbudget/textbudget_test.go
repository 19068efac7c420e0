package textbudget_test

import (
	"testing"

	"github.com/patchcheck/patchcheck/internal/textbudget"
)

func TestBudget(t *testing.T) {
	tests := []struct {
		name    string
		limit   textbudget.Limit
		add     []string
		reserve int
		want    []bool
	}{
		{"no limit", textbudget.Limit{}, []string{"aaaa", "bbbb"}, 100, []bool{true, true}},
		{"characters, not bytes", textbudget.Limit{Chars: 4}, []string{"ééé", "é", "x"}, 0, []bool{true, true, false}},
		{"bytes, not characters", textbudget.Limit{Bytes: 4}, []string{"é", "é", "x"}, 0, []bool{true, true, false}},
		{"both: the tighter wins", textbudget.Limit{Chars: 10, Bytes: 5}, []string{"éé", "é"}, 0, []bool{true, false}},
		{"the reserve is kept free", textbudget.Limit{Chars: 10}, []string{"aaaa", "aaaa"}, 3, []bool{true, false}},
		{"a row that does not fit leaves room for a smaller one", textbudget.Limit{Chars: 5}, []string{"aaaaaa", "aaa"}, 0, []bool{false, true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := textbudget.New(tc.limit)
			for i, s := range tc.add {
				if got := b.TryAdd(s, tc.reserve); got != tc.want[i] {
					t.Errorf("TryAdd(%q) #%d = %v, want %v", s, i, got, tc.want[i])
				}
			}
		})
	}
	if !(textbudget.Limit{}).None() || (textbudget.Limit{Bytes: 1}).None() {
		t.Error("None is wrong")
	}
}

// TestAddAlwaysCounts: what a report must show is counted even past the
// limit, so nothing optional fits after it.
func TestAddAlwaysCounts(t *testing.T) {
	b := textbudget.New(textbudget.Limit{Chars: 3})
	b.Add("abcdef")
	if b.Fits("", 0) || b.TryAdd("x", 0) {
		t.Error("a budget past its limit took more")
	}
}
