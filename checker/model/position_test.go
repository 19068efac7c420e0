package model

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPositionString(t *testing.T) {
	tests := []struct {
		name string
		pos  Position
		want string
	}{
		{"file, line and column", Position{File: "azuredeploy.json", Line: 12, Column: 7}, "azuredeploy.json:12:7"},
		{"no line: the file alone", Position{File: "broken.json"}, "broken.json"},
		{"no line, a column left over", Position{File: "broken.json", Column: 3}, "broken.json"},
		{"no column: printed as it is", Position{File: "a.json", Line: 4}, "a.json:4:0"},
		{"no file", Position{Line: 2, Column: 1}, ":2:1"},
		{"colons in the name", Position{File: `C:\t\vm.json`, Line: 1, Column: 1}, `C:\t\vm.json:1:1`},
		{"zero", Position{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.pos.String(); got != tt.want {
				t.Errorf("%#v.String() = %q, want %q", tt.pos, got, tt.want)
			}
		})
	}
}

func TestPositionCompare(t *testing.T) {
	tests := []struct {
		a, b Position
		want int
	}{
		{Position{"a.json", 3, 1}, Position{"a.json", 3, 1}, 0},
		{Position{"a.json", 9, 9}, Position{"b.json", 1, 1}, -1},  // the file first
		{Position{"a.json", 10, 1}, Position{"a.json", 9, 40}, 1}, // then the line, as a number
		{Position{"a.json", 3, 2}, Position{"a.json", 3, 11}, -1}, // then the column
	}
	for _, tt := range tests {
		if got := tt.a.Compare(tt.b); got != tt.want {
			t.Errorf("%v.Compare(%v) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := tt.b.Compare(tt.a); got != -tt.want {
			t.Errorf("%v.Compare(%v) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestLocIn(t *testing.T) {
	loc := Loc{Pointer: "/resources/0", Line: 4, Column: 5}
	if got, want := loc.In("vm.json"), (Position{File: "vm.json", Line: 4, Column: 5}); got != want {
		t.Errorf("In = %#v, want %#v", got, want)
	}
}

// TestEmbeddedPositionJSON: embedding Position keeps "file", "line" and
// "column" where the lint report's JSON has always had them.
func TestEmbeddedPositionJSON(t *testing.T) {
	pos := Position{File: "a.json", Line: 1, Column: 2}
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"related", Related{Position: pos, Pointer: "/p", Message: "m"}, `{"file":"a.json","line":1,"column":2,"pointer":"/p","message":"m"}`},
		{"finding", Finding{RuleID: "PC001", Position: pos}, `"remediation":"","file":"a.json","line":1,"column":2,"pointer":"",`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.v)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !strings.Contains(string(b), tt.want) {
			t.Errorf("%s: %s, want %s in it", tt.name, b, tt.want)
		}
	}
}
